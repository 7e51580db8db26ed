"""What the workers do. Each outbox effect is idempotent on the outbox key it is given.

Effects that need an application or the platform's tables get them from the composition
root (``taolun.platform.runtime``), as cosmicpython's bootstrap hands handlers their
dependencies: nothing here imports ``taolun.platform``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from taolun.notifications.channels import send_deliveries
from taolun.notifications.digest import send_digests
from taolun.notifications.reminders import scan_reminders
from taolun.notifications.workflow import deliver_workflow_notice

log = logging.getLogger("taolun.notifications")

Effect = Callable[[str, dict[str, Any]], None]
Job = Callable[[], None]

ROLE_LABELS = {
    "admin": "管理员",
    "secretary": "支部书记/科室负责人",
    "inspector": "督查员",
    "auditor": "审计员",
    "viewer": "查看者",
}


class UpstreamPolicy(Protocol):
    """The part of the campaigns application the upstream policy calls."""

    def mark_upstream_changed(self, plan_id: UUID, parent_version: int, actor: UUID | None = None) -> int | None:
        ...


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


def mark_upstream_changed(campaigns: UpstreamPolicy, poke: Callable[[], None]) -> Effect:
    """Policy: a parent released a new version; tell the child (idempotent in the domain),
    and wake the projections when that appended an event."""

    def effect(key: str, payload: dict[str, Any]) -> None:
        nid = campaigns.mark_upstream_changed(
            UUID(payload["child_plan_id"]), int(payload["parent_version"]), actor=None
        )
        if nid:
            poke()

    return effect


def refresh_progress_lights() -> None:
    """Stored progress lights depend on "today": recompute them (the scheduler runs this)."""
    from taolun.projections.campaigns import refresh_lights

    changed = refresh_lights()
    log.info("refreshed %d progress lights", changed)


def outbox_effects(campaigns: UpstreamPolicy, poke: Callable[[], None]) -> dict[str, Effect]:
    """Effects of outbox rows by actor name: called with the row's key and payload,
    confirmed by the dispatcher's wrapper in the effect's transaction
    (taolun.notifications.dispatch)."""
    return {
        "deliver_role_granted_notice": deliver_role_granted_notice,
        "deliver_workflow_notice": deliver_workflow_notice,
        "mark_upstream_changed": mark_upstream_changed(campaigns, poke),
    }


def periodic_jobs(purge_idempotency_records: Job) -> dict[str, Job]:
    """Periodic jobs by name (the scheduler enqueues them): no row, no arguments, safe to
    run twice."""
    return {
        "refresh_progress_lights": refresh_progress_lights,
        "purge_idempotency_records": purge_idempotency_records,
        "scan_reminders": scan_reminders,
        "send_deliveries": send_deliveries,
        "send_digests": send_digests,
    }
