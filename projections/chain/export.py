"""The audit bundle: JSON Lines an auditor verifies offline with ``verify_bundle.py``.

A header (format, time, the public key), the signed checkpoints, then the links and the
stored events up to the chain's head, batch by batch (streamed: nothing holds the whole log).
An event outside the reader's scope is written as its digest only: the chain stays provably
continuous across it while its content stays unseen.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from uuid import UUID

from django.utils import timezone
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from taolun.projections.chain.keeper import notification_digest, signed_at_text
from taolun.projections.chain.models import ChainCheckpoint, ChainHead, ChainLink
from taolun.projections.chain.verify_bundle import BUNDLE_FORMAT, canonical_id

BATCH = 2000


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


class BundleWriter:
    """``tenants``: the tenant ids whose events are written in full (``None``: all of them)."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper, public_key_pem: str, key_id: str,
                 *, tenants: frozenset[UUID] | None = None, scope: str = "all") -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.public_key_pem = public_key_pem
        self.key_id = key_id
        self.tenants = tenants
        self.scope = scope

    def lines(self, progress: Callable[[int, int], None] | None = None) -> Iterator[str]:
        head = ChainHead.objects.filter(id=1).values_list("position", flat=True).first() or 0
        yield _line({"type": "header", "format": BUNDLE_FORMAT, "exported_at": signed_at_text(timezone.now()),
                     "head": head, "scope": self.scope, "key_id": self.key_id, "public_key": self.public_key_pem})
        for c in ChainCheckpoint.objects.filter(position__lte=head).order_by("position").iterator():
            yield _line({"type": "checkpoint", "position": c.position, "head": bytes(c.head).hex(),
                         "signed_at": signed_at_text(c.signed_at), "key_id": c.key_id,
                         "signature": base64.b64encode(bytes(c.signature)).decode()})
        last = 0
        while last < head:
            batch = self.recorder.select_notifications(start=last, limit=BATCH, stop=head, inclusive_of_start=False)
            end = batch[-1].id if batch else head
            for position, digest, link in (ChainLink.objects.filter(position__gt=last, position__lte=end)
                                           .order_by("position").values_list("position", "digest", "link")):
                yield _line({"type": "link", "position": position, "digest": bytes(digest).hex(),
                             "link": bytes(link).hex()})
            for notification in batch:
                yield _line(self._event(notification))
            last = end
            if progress:
                progress(last, head)

    def _event(self, notification: Notification) -> dict:
        if self.tenants is not None and self._tenant(notification) not in self.tenants:
            return {"type": "event", "position": notification.id, "digest": notification_digest(notification).hex()}
        return {"type": "event", "position": notification.id, "originator_id": canonical_id(notification.originator_id),
                "originator_version": notification.originator_version, "topic": notification.topic,
                "state": base64.b64encode(notification.state).decode()}

    def _tenant(self, notification: Notification) -> UUID | None:
        return getattr(self.mapper.to_domain_event(notification), "tenant_id", None)
