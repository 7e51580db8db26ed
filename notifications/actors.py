"""What the workers do. Each outbox effect is idempotent on the outbox key it is given."""

from __future__ import annotations

import logging
from typing import Any

from taolun.notifications.channels import send_deliveries
from taolun.notifications.reminders import scan_reminders
from taolun.notifications.workflow import deliver_workflow_notice

ROLE_LABELS = {
    "admin": "管理员",
    "secretary": "支部书记/科室负责人",
    "inspector": "督查员",
    "auditor": "审计员",
    "viewer": "查看者",
}


def deliver_role_granted_notice(key: str, payload: dict[str, Any]) -> None:
    """Put "you were granted a role" into the grantee's in-app inbox, once per key."""
    from taolun.notifications.models import InboxMessage
    from taolun.projections.models import OrgNode, UserAccount

    node = OrgNode.objects.filter(pk=payload["node_id"]).first()
    granter = (
        UserAccount.objects.filter(pk=payload["granted_by"]).first()
        if payload.get("granted_by")
        else None
    )
    role = ROLE_LABELS.get(payload["role"], payload["role"])
    where = node.name if node else "（已删除的单位）"
    by = granter.name if granter else "系统"
    InboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "user_id": payload["user_id"],
            "subject": f"您已被授予“{where}”的{role}角色",
            "body": f"{by}在“{where}”为您授予了{role}角色，权限覆盖该单位及其全部下级单位。",
        },
    )


def purge_idempotency_records(max_age_hours: int = 24) -> None:
    """Forget replayable responses older than a day (clients retry within minutes)."""
    from datetime import timedelta

    from django.utils import timezone

    from taolun.platform.api.models import IdempotencyRecord

    cutoff = timezone.now() - timedelta(hours=max_age_hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    logging.getLogger("taolun.notifications").info("purged %d idempotency records", deleted)


def mark_upstream_changed(key: str, payload: dict[str, Any]) -> None:
    """Policy: a parent released a new version; tell the child (idempotent in the domain)."""
    from uuid import UUID

    from taolun.platform.runtime import get_runtime

    runtime = get_runtime()
    nid = runtime.campaigns.mark_upstream_changed(
        UUID(payload["child_plan_id"]), int(payload["parent_version"]), actor=None
    )
    if nid:
        runtime.runner.poke()


def refresh_progress_lights() -> None:
    """Stored progress lights depend on "today": recompute them (the scheduler runs this)."""
    from taolun.projections.campaigns import refresh_lights

    changed = refresh_lights()
    logging.getLogger("taolun.notifications").info("refreshed %d progress lights", changed)


# Effects of outbox rows: called with the row's key and payload, confirmed by the
# dispatcher's wrapper in the effect's transaction (taolun.notifications.dispatch).
OUTBOX_EFFECTS = {
    "deliver_role_granted_notice": deliver_role_granted_notice,
    "deliver_workflow_notice": deliver_workflow_notice,
    "mark_upstream_changed": mark_upstream_changed,
}

# Periodic jobs (the scheduler enqueues them): no row, no arguments, safe to run twice.
PERIODIC_JOBS = {
    "refresh_progress_lights": refresh_progress_lights,
    "purge_idempotency_records": purge_idempotency_records,
    "scan_reminders": scan_reminders,
    "send_deliveries": send_deliveries,
}
