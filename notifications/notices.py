"""Projection that turns events into outbox rows: work for the workers.

Written in the projection's transaction, so a notice is queued exactly when the event is
applied, never before the fact and never lost after it.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Notification

from taolun.notifications.models import OutboxMessage
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import User


class NoticesProjection(Projection):
    name = "notices"
    topics = topics_of(User.RoleGranted)

    def apply(self, event: Any, notification: Notification) -> None:
        if isinstance(event, User.RoleGranted):
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

    def clear(self) -> None:
        # Rebuilding must not re-send what was already delivered: rows are kept and the
        # stable keys make the replay a no-op.
        pass
