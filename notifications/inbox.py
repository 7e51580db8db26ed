"""The in-app inbox: the one place a notice is written (claimed by its key) and the
recipients of a unit's notices are found (from the grants in the read models)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction

from taolun.notifications.models import InboxMessage
from taolun.notifications.texts import render

CHINESE = "zh-hans"


def holders(node_id: Any, roles: Iterable[str]) -> list[UUID]:
    """The users holding one of ``roles`` on the unit itself (not above it), oldest grant
    first, each once."""
    from taolun.projections.models import Grant

    seen: dict[UUID, None] = {}
    for user_id in Grant.objects.filter(node_id=node_id, role__in=list(roles)).order_by(
            "granted_at", "id").values_list("user_id", flat=True):
        seen.setdefault(user_id, None)
    return list(seen)


def claim_key(recipient: Any, rule: str, subject: Any, when: Any) -> str:
    """The stable key of one notice: (recipient, rule, subject, due date or event position)."""
    return f"{rule}:{subject}:{when}:{recipient}"[:200]


def post(recipient: Any, rule: str, subject: Any, when: Any, params: dict[str, Any],
         level: str = "") -> InboxMessage | None:
    """Claim the notice's key and write it; answer the new row, or None when that notice was
    already written (by an earlier run of the same batch or actor)."""
    key = claim_key(recipient, rule, subject, when)
    title, body = render(rule, params, CHINESE)
    try:
        with transaction.atomic():
            row, created = InboxMessage.objects.get_or_create(
                key=key, defaults={"user_id": recipient, "rule": rule, "params": params,
                                   "level": level, "subject": title[:200], "body": body})
    except IntegrityError:  # a concurrent copy claimed it first
        return None
    return row if created else None
