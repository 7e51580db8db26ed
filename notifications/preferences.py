"""A user's choices for the outside channels: which kinds of notice not to e-mail, quiet
hours in which e-mail waits, and the daily digest (their e-mails held and summarised in one
a day, ``notifications/digest.py``). The in-app inbox always has everything at once."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from taolun.notifications.models import NoticePreference
from taolun.notifications.texts import TEMPLATES

TIME_ZONE = ZoneInfo("Asia/Shanghai")
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class InvalidPreference(ValueError):
    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


def get(user_id: Any) -> dict[str, Any]:
    row = NoticePreference.objects.filter(pk=user_id).first()
    return {"email_off": list(row.email_off) if row else [], "quiet_start": row.quiet_start if row else "",
            "quiet_end": row.quiet_end if row else "", "digest": row.digest if row else False,
            "rules": sorted(TEMPLATES)}


def put(user_id: Any, email_off: list[str], quiet_start: str, quiet_end: str, digest: bool = False) -> dict[str, Any]:
    """Replace the user's choices; nothing changes when one is wrong."""
    unknown = sorted(set(email_off) - set(TEMPLATES))
    if unknown:
        raise InvalidPreference(code="unknown_notice_rule", field="email_off", message=f"未知的消息类型：{', '.join(unknown)}")
    for field, value in (("quiet_start", quiet_start), ("quiet_end", quiet_end)):
        if value and not HH_MM.match(value):
            raise InvalidPreference(code="invalid_quiet_hours", field=field, message="时间格式应为 HH:MM，例如 22:00")
    if bool(quiet_start) != bool(quiet_end) or (quiet_start and quiet_start == quiet_end):
        raise InvalidPreference(code="invalid_quiet_hours", field="quiet_end", message="免打扰时段需要不同的开始和结束时间")
    NoticePreference.objects.update_or_create(pk=user_id, defaults={
        "email_off": sorted(set(email_off)), "quiet_start": quiet_start, "quiet_end": quiet_end,
        "digest": bool(digest)})
    return get(user_id)


def email_mode(user_id: Any, rule: str) -> str | None:
    """How the user gets ``rule``'s notices by e-mail: "each", "digest" (held for the day's
    summary), or None (not e-mailed)."""
    row = NoticePreference.objects.filter(pk=user_id).values("email_off", "digest").first()
    if row is None:
        return "each"
    if rule in (row["email_off"] or []):
        return None
    return "digest" if row["digest"] else "each"


def quiet_until(user_id: Any, now: datetime) -> datetime | None:
    """When the user's quiet hours end, if ``now`` falls within them (they may span midnight)."""
    row = NoticePreference.objects.filter(pk=user_id).exclude(quiet_start="").first()
    if row is None:
        return None
    local = now.astimezone(TIME_ZONE)
    start, end = (time.fromisoformat(row.quiet_start), time.fromisoformat(row.quiet_end))
    clock = local.time().replace(second=0, microsecond=0)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)
