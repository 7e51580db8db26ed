"""Projection that turns events into outbox rows: work for the workers.

Written in the projection's transaction, so a notice is queued exactly when the event is
applied, never before the fact and never lost after it. The outbox table
(:class:`~taolun.projections.models.OutboxMessage`) lives here, beside the projections that
write it; ``taolun.notifications`` sends its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Notification

from taolun.events.audit.reads import HistoryRead
from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import RequestIndex
from taolun.events.reports.report import Report
from taolun.projections.models import OutboxMessage
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import EmailIndex, SiblingCode, Tenant, User


class NoticesProjection(Projection):
    name = "notices"

    def role_granted(self, event: User.RoleGranted) -> None:
        OutboxMessage.objects.get_or_create(
            key=f"role-granted:{event.originator_id}:{event.originator_version}",
            defaults={
                "actor_name": "deliver_role_granted_notice",
                "payload": {
                    "user_id": str(event.originator_id),
                    "node_id": str(event.node_id),
                    "role": event.role,
                    "granted_by": str(event.actor) if event.actor else None,
                },
            },
        )

    HANDLERS: dict[type, Callable[..., None]] = {User.RoleGranted: role_granted}
    # Left alone on purpose (an aggregate named here: all of its events). The campaign
    # policy's outbox rows are written by the campaigns projection, in its own batch.
    IGNORED: frozenset[type] = frozenset({
        User.Registered, User.RoleRevoked, User.TokenIssued, User.TokenRevoked, User.PasswordSet,
        Tenant, SiblingCode, EmailIndex, RequestIndex, Plan, Activity, Suggestion, Problem, UnitPlan, Report,
        HistoryRead,  # an auditor's read: the history projection keeps it
    })
    topics = topics_of(*HANDLERS)

    def apply(self, event: Any, notification: Notification) -> None:
        self.HANDLERS[type(event)](self, event)

    def clear(self) -> None:
        # Rebuilding must not re-send what was already delivered: rows are kept and the
        # stable keys make the replay a no-op.
        pass
