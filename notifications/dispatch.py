"""Hands outbox rows to the broker and confirms them when their effect commits.

A broker outage delays work, never loses it: a row is done only when the actor has
committed its effect (``done_at`` is set in the effect's own transaction), and a row still
undone when its lease runs out is sent again — whether the broker refused it, lost it
(Redis restarted without persistence, the in-process broker's process killed) or a worker
died holding it. Effects are idempotent on the row's key, so a second copy is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import dramatiq
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from taolun.notifications.actors import Effect, Job
from taolun.projections.models import OutboxMessage

log = logging.getLogger("taolun.notifications")

# The first lease after a send (TAOLUN_OUTBOX_LEASE_SECONDS, 30 s) doubles with every
# further attempt up to the cap, so a long queue (a bulk import's notices) is not flooded
# with copies of rows still waiting in it.
LEASE_SECONDS = 30.0
MAX_LEASE_SECONDS = 600.0
# Retries inside the broker are few: the lease re-sends anything that stays undone.
BROKER_RETRIES = 3

def lease_for(attempt: int, first: float = LEASE_SECONDS) -> timedelta:
    return timedelta(seconds=min(first * 2 ** max(attempt - 1, 0), max(MAX_LEASE_SECONDS, first)))


def perform(key: str, payload: dict[str, Any], effect: Effect) -> bool:
    """Run ``effect`` for the outbox row ``key`` and mark the row done in the same
    transaction; a row already done is skipped. Answers whether the effect ran.

    The row is locked (PostgreSQL; SQLite's write transactions are serial anyway), so two
    copies of one message delivered at once run the effect once.
    """
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().filter(key=key).only("done_at").first()
        if row is not None and row.done_at is not None:
            return False
        effect(key, payload)
        OutboxMessage.objects.filter(key=key).update(done_at=timezone.now())
    return True


def confirming(name: str, effect: Effect) -> Callable[[str, dict[str, Any]], None]:
    def run(key: str, payload: dict[str, Any]) -> None:
        perform(key, payload, effect)

    run.__name__ = name
    return run


def register_actors(
    broker: dramatiq.Broker, queue: str, effects: dict[str, Effect], jobs: dict[str, Job],
    self_confirming: dict[str, Effect] | None = None,
) -> dict[str, dramatiq.Actor]:
    """One actor per outbox effect (confirmed in its transaction), per effect that confirms
    its own row (long work: report jobs) and per periodic job.
    ``queue`` belongs to one installation, so two installations sharing a Redis or a
    RabbitMQ never consume each other's work (their actors write to their own database)."""
    actors = {
        name: dramatiq.actor(
            confirming(name, effect), actor_name=name, queue_name=queue, broker=broker,
            max_retries=BROKER_RETRIES,
        )
        for name, effect in effects.items()
    }
    for name, job in {**(self_confirming or {}), **jobs}.items():
        actors[name] = dramatiq.actor(
            job, actor_name=name, queue_name=queue, broker=broker, max_retries=BROKER_RETRIES
        )
    return actors


def due_rows(now: datetime):
    return OutboxMessage.objects.filter(done_at__isnull=True).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )


def dispatch_pending(
    actors: dict[str, dramatiq.Actor], limit: int = 200, lease_seconds: float = LEASE_SECONDS
) -> int:
    """Send the rows that are due (never sent, refused, or undone past their lease),
    oldest first; answer how many were sent."""
    sent = 0
    now = timezone.now()
    for row in list(due_rows(now).order_by("id")[:limit]):
        try:
            actors[row.actor_name].send(row.key, row.payload)
        except Exception as error:  # broker down: keep the row due, try again later
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500]
            )
            log.warning("outbox dispatch failed for %s: %s", row.key, error)
            break
        if row.attempts:
            log.info("outbox row %s re-sent (attempt %d): not confirmed in time", row.key, row.attempts + 1)
        OutboxMessage.objects.filter(pk=row.pk, done_at__isnull=True).update(
            dispatched_at=now, lease_until=now + lease_for(row.attempts + 1, lease_seconds),
            attempts=F("attempts") + 1, last_error="",
        )
        sent += 1
    return sent


def release_leases() -> int:
    """Make every undone row due now. For a broker that lives inside this process: what it
    held died with the previous process, so waiting for the leases would only delay it."""
    return OutboxMessage.objects.filter(done_at__isnull=True, lease_until__isnull=False).update(
        lease_until=None
    )
