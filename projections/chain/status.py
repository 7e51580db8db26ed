"""The chain's status as the API and the page show it: how far it reaches, its last signed
checkpoint, the latest verification (running or done)."""

from __future__ import annotations

import base64
from typing import Any

from taolun.projections.chain.models import ChainCheckpoint, ChainHead, ChainVerification


def checkpoint_out(checkpoint: ChainCheckpoint | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    return {"position": checkpoint.position, "head": bytes(checkpoint.head).hex(),
            "signed_at": checkpoint.signed_at, "key_id": checkpoint.key_id,
            "signature": base64.b64encode(bytes(checkpoint.signature)).decode()}


def verification_out(run: ChainVerification | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.id, "status": run.status, "started_at": run.started_at, "finished_at": run.finished_at,
            "checked": run.checked, "total": run.total, "position": run.position,
            "checkpoints": run.checkpoints, "problem_kind": run.problem_kind or None,
            "problem_position": run.problem_position, "detail": run.detail or None}


def chain_status(log_position: int, key_id: str) -> dict[str, Any]:
    """``log_position``: the notification log's last id (events after the chain's head are
    not linked yet); ``key_id``: this process's signing key (processes that do not share
    one key sign checkpoints nobody can verify with the published public key)."""
    head = ChainHead.objects.filter(id=1).first()
    finished = ChainVerification.objects.exclude(status=ChainVerification.RUNNING).first()
    last = ChainCheckpoint.objects.order_by("-position").first()
    return {
        "key_id": key_id,
        "log_position": log_position,
        "chain_position": head.position if head else 0,
        "chain_head": bytes(head.link).hex() if head and head.position else None,
        "last_checkpoint": checkpoint_out(last),
        "signed_with_this_key": last is None or last.key_id == key_id,
        "checkpoints": ChainCheckpoint.objects.count(),
        "last_verification": verification_out(finished),
        "running_verification": verification_out(
            ChainVerification.objects.filter(status=ChainVerification.RUNNING).first()),
    }
