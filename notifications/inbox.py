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
    return f"{shared_key(rule, subject, when)}:{recipient}"[:200]


def shared_key(rule: str, subject: Any, when: Any) -> str:
    """The notice's key without its recipient: what a unit's webhook hears once."""
    return f"{rule}:{subject}:{when}"


def post(recipient: Any, rule: str, subject: Any, when: Any, params: dict[str, Any],
         level: str = "") -> InboxMessage | None:
    """Claim the notice's key and write it, with its outside deliveries; answer the new row,
    or None when that notice was already written (by an earlier run of the same batch or
    actor)."""
    from taolun.notifications.channels import queue

    key = claim_key(recipient, rule, subject, when)
    title, body = render(rule, params, CHINESE)
    try:
        with transaction.atomic():
            row, created = InboxMessage.objects.get_or_create(
                key=key, defaults={"user_id": recipient, "rule": rule, "params": params,
                                   "level": level, "subject": title[:200], "body": body})
            if created:
                queue(row, shared_key(rule, subject, when))
    except IntegrityError:  # a concurrent copy claimed it first
        return None
    return row if created else None


# -- reading: the API and the page share these -----------------------------------------


def messages(user_id: Any, unread_only: bool = False):
    """The user's notices, newest first."""
    rows = InboxMessage.objects.filter(user_id=user_id)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user_id: Any) -> int:
    return InboxMessage.objects.filter(user_id=user_id, read_at__isnull=True).count()


def shown(message: InboxMessage) -> tuple[str, str]:
    """(subject, body) in the active language; notices without a rule (older ones) as stored."""
    return render(message.rule, message.params) if message.rule else (message.subject, message.body)


def mark(user_id: Any, message_id: int, read: bool) -> InboxMessage | None:
    """Mark one of the user's notices read or unread; None when it is not theirs (or missing).
    Marking read again keeps the first reading's time."""
    from django.utils import timezone

    message = InboxMessage.objects.filter(pk=message_id, user_id=user_id).first()
    if message is None:
        return None
    if read and message.read_at is None:
        message.read_at = timezone.now()
    elif not read:
        message.read_at = None
    message.save(update_fields=["read_at"])
    return message


def mark_all_read(user_id: Any) -> int:
    from django.utils import timezone

    return InboxMessage.objects.filter(user_id=user_id, read_at__isnull=True).update(read_at=timezone.now())
