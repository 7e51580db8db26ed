"""Hands outbox rows to the broker. A broker outage delays work, never loses it."""

from __future__ import annotations

import logging

import dramatiq
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from taolun.notifications.actors import ACTORS
from taolun.notifications.models import OutboxMessage

log = logging.getLogger("taolun.notifications")


def register_actors(broker: dramatiq.Broker, queue: str) -> dict[str, dramatiq.Actor]:
    """``queue`` belongs to one installation, so two installations sharing a Redis or a
    RabbitMQ never consume each other's work (their actors write to their own database)."""
    return {
        name: dramatiq.actor(fn, actor_name=name, queue_name=queue, broker=broker, max_retries=20)
        for name, fn in ACTORS.items()
    }


def dispatch_pending(actors: dict[str, dramatiq.Actor], limit: int = 200) -> int:
    """Send undispatched rows, oldest first; answer how many were sent.

    A row is marked only after the broker took it; if the process dies in between it
    is sent again, which the actor's key makes harmless.
    """
    sent = 0
    pending = list(
        OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("id")[:limit]
    )
    for row in pending:
        try:
            actors[row.actor_name].send(row.key, row.payload)
        except Exception as error:  # broker down: keep the row, try again later
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500]
            )
            log.warning("outbox dispatch failed for %s: %s", row.key, error)
            break
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=row.pk).update(
                dispatched_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
        sent += 1
    return sent
