"""Links new events into the chain as they are stored, and signs checkpoints of it.

Like the projection runner: lock the head row, read the next batch of the notification log
after it, write its links and the new head, commit, one transaction, so every event is
linked exactly once (after a crash too, and with several processes running it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from eventsourcing.persistence import ApplicationRecorder, Notification

from taolun.projections.chain.models import ChainCheckpoint, ChainHead, ChainLink
from taolun.projections.chain.verify_bundle import checkpoint_message, event_digest, next_link

log = logging.getLogger("taolun.chain")


class Signer(Protocol):
    key_id: str

    def sign(self, message: bytes) -> bytes: ...


def signed_at_text(moment: datetime) -> str:
    """The one text form of a checkpoint's time that its signature covers (UTC, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def notification_digest(notification: Notification) -> bytes:
    return event_digest(notification.originator_id, notification.originator_version,
                        notification.topic, notification.state)


class ChainKeeper:
    def __init__(
        self,
        recorder: ApplicationRecorder,
        signer: Signer,
        *,
        batch_size: int = 2000,
        checkpoint_events: int = 1000,
        checkpoint_seconds: float = 300.0,
    ) -> None:
        self.recorder = recorder
        self.signer = signer
        self.batch_size = batch_size
        self.checkpoint_events = checkpoint_events
        self.checkpoint_seconds = checkpoint_seconds
        self._wake = threading.Event()
        # Held while this process links a batch; ``paused`` holds it to keep the loop still.
        self._busy = threading.RLock()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Keep this process's loop from linking (its own calls still may): for whoever
        changes the log behind the application's back on purpose, the tamper tests."""
        with self._busy:
            yield

    def run_once(self) -> int:
        """Link the next batch (and sign a checkpoint when one is due); answer how many
        events were linked."""
        with self._busy:
            return self._link_batch()

    def _link_batch(self) -> int:
        ChainHead.objects.get_or_create(id=1)
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().get(id=1)
            batch = self.recorder.select_notifications(
                start=head.position, limit=self.batch_size, inclusive_of_start=False
            )
            link = bytes(head.link)
            rows = []
            for notification in batch:
                digest = notification_digest(notification)
                link = next_link(link, notification.id, digest)
                rows.append(ChainLink(position=notification.id, digest=digest, link=link))
            if rows:
                ChainLink.objects.bulk_create(rows, batch_size=1000)
                head.position, head.link = rows[-1].position, link
                head.save()
            if self._checkpoint_due(head.position):
                self._sign(head.position, bytes(head.link))
        return len(rows)

    def catch_up(self) -> int:
        linked = 0
        while read := self.run_once():
            linked += read
        return linked

    def _checkpoint_due(self, position: int) -> bool:
        last = ChainCheckpoint.objects.order_by("-position").first()
        if position == 0 or (last is not None and last.position >= position):
            return False
        if last is None or position - last.position >= self.checkpoint_events:
            return True
        return timezone.now() - last.signed_at >= timedelta(seconds=self.checkpoint_seconds)

    def _sign(self, position: int, head: bytes) -> ChainCheckpoint:
        moment = timezone.now()
        signature = self.signer.sign(checkpoint_message(position, head, signed_at_text(moment)))
        return ChainCheckpoint.objects.create(
            position=position, head=head, signed_at=moment, signature=signature, key_id=self.signer.key_id
        )

    def sign_now(self) -> ChainCheckpoint | None:
        """Link what is stored and sign a checkpoint at the head (unless one is already
        there): ``taolun audit checkpoint``, before an export."""
        self.catch_up()
        with self._busy, transaction.atomic():
            head = ChainHead.objects.select_for_update().get(id=1)
            if head.position == 0 or ChainCheckpoint.objects.filter(position=head.position).exists():
                return ChainCheckpoint.objects.filter(position=head.position).first()
            return self._sign(head.position, bytes(head.link))

    def poke(self) -> None:
        self._wake.set()

    def run_forever(self, stop: threading.Event, idle_seconds: float = 1.0) -> None:
        from django.db import close_old_connections

        log.info("chain keeper started")
        while not stop.is_set():
            try:
                if self.run_once():
                    continue
            except Exception:  # keep linking; the batch rolled back and is read again
                log.exception("chain keeper batch failed; retrying")
                close_old_connections()
                stop.wait(1.0)
                continue
            self._wake.wait(idle_seconds)
            self._wake.clear()
