"""The daily digest: a user who chooses it gets one e-mail a day summarising that day's
notices instead of one each (the inbox still has each at once).

Their e-mail rows are queued ``held`` (``channels.queue``). Once a day has ended in
Asia/Shanghai, :func:`compose` turns each user's held rows of that day into one e-mail row,
claimed by (user, day) — so a digest is composed once however often the job runs, or by how
many workers — and marks the held rows ``digested`` in the same transaction. The summary is
then sent like any e-mail (quiet hours, retries, at least once with its ``Message-ID``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from taolun.notifications.models import Delivery
from taolun.notifications.preferences import TIME_ZONE

log = logging.getLogger("taolun.notifications")

RULE = "daily_digest"
SUBJECT = "【每日消息汇总】%(day)s 共 %(count)d 条"
MOST = 200  # notices listed in one digest; the rest are counted


def local_day(moment: datetime) -> date:
    return moment.astimezone(TIME_ZONE).date()


def summary(day: date, rows: list[Delivery]) -> tuple[str, str]:
    """(subject, body) of a digest, in Chinese like every e-mail."""
    lines = [f"{i}. {r.subject}\n   {r.body}" for i, r in enumerate(rows[:MOST], 1)]
    if len(rows) > MOST:
        lines.append(f"……另有 {len(rows) - MOST} 条，请到消息中心查看。")
    return SUBJECT % {"day": day.isoformat(), "count": len(rows)}, "\n\n".join(lines)


def compose(now: datetime | None = None) -> int:
    """Compose the digests of every day that has ended; answer how many were new."""
    from taolun.notifications.channels import delivery_key

    now = now or timezone.now()
    today = local_day(now)
    days: dict[tuple[Any, str, date], list[Delivery]] = defaultdict(list)
    for row in Delivery.objects.filter(status="held", channel="email").order_by("created_at", "id"):
        day = local_day(row.created_at)
        if day < today:
            days[(row.user_id, row.target, day)].append(row)
    made = 0
    for (user_id, email, day), rows in sorted(days.items(), key=lambda kv: (kv[0][2], str(kv[0][0]))):
        subject, body = summary(day, rows)
        try:
            with transaction.atomic():
                _, created = Delivery.objects.get_or_create(
                    key=delivery_key("digest", email, f"{user_id}:{day.isoformat()}"),
                    defaults={"channel": "email", "target": email, "user_id": user_id, "rule": RULE,
                              "subject": subject[:200], "body": body, "next_attempt_at": now,
                              "params": {"day": day.isoformat(), "count": len(rows),
                                         "notices": [r.key for r in rows]}})
                Delivery.objects.filter(pk__in=[r.pk for r in rows], status="held").update(status="digested")
        except IntegrityError:  # another worker composed it at the same moment
            continue
        made += created
    return made


def send_digests() -> None:
    """The scheduler's job: safe to run twice (each digest is claimed by user and day)."""
    log.info("composed %d daily digests", compose())
