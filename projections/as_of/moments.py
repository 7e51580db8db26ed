"""Moments: an "as of" read from the caller, and the log position that stood at it.

A naive date or time is Asia/Shanghai (the configured zone); answers show that zone. A date
alone means the end of that day (today's date: now). The position of a moment is the last
notification whose event was timed at or before it, found by a binary search over the
log's ids, decoding one event per step (about 20 for a million events), then a look at the
next few: the log is appended in time order, so its timestamps grow with its ids, except
within one command (its events are stored together, each timed as it was made) and between
two writers committing within the same milliseconds. A moment inside such a knot falls
between its events by their own times; nothing coarser than a millisecond is affected.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from taolun.events.kernel import DomainError

LOOKAHEAD = 32  # notifications read past the search's answer (one command's events)
FORMATS = "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (Asia/Shanghai) or ISO 8601 with an offset"


def zone() -> ZoneInfo:
    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def now() -> datetime:
    return datetime.now(zone())


def parse(text: str, field: str = "as_of") -> datetime:
    """The moment ``text`` names, aware, in the configured zone; ``invalid_as_of`` else.
    A moment after now is ``as_of_in_future``."""
    raw = (text or "").strip()
    when: datetime | None = None
    if len(raw) == 10:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        if day is not None:
            when = datetime.combine(day, time.max, zone())
            if day == now().date():
                when = now()
    if when is None:
        try:
            when = datetime.fromisoformat(raw.replace(" ", "T", 1).replace("Z", "+00:00"))
            when = when.replace(tzinfo=zone()) if when.tzinfo is None else when.astimezone(zone())
        except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved across zones
            raise DomainError("invalid_as_of", f"无法识别的时间：{raw[:40]}", field=field,
                              formats=FORMATS) from None
    if when > now():
        raise DomainError("as_of_in_future", "所查询的时间晚于当前时间", field=field, as_of=shown(when))
    return when


def parse_range(start: str, end: str) -> tuple[datetime, datetime]:
    """Two moments, the first not after the second (``as_of_range_reversed`` else)."""
    a, b = parse(start, "from"), parse(end, "to")
    if a > b:
        raise DomainError("as_of_range_reversed", "起始时间晚于结束时间", field="from",
                          **{"from": shown(a), "to": shown(b)})
    return a, b


def shown(when: datetime) -> str:
    """The moment as answers show it: ISO 8601 in the configured zone."""
    return when.astimezone(zone()).isoformat(timespec="seconds")


class LogClock:
    """The positions of moments in a notification log (``recorder``, ``mapper``: the
    application's)."""

    def __init__(self, recorder: Any, mapper: Any) -> None:
        self.recorder, self.mapper = recorder, mapper

    def _at(self, start: int, stop: int | None = None):
        found = self.recorder.select_notifications(start=start, limit=1, stop=stop)
        return found[0] if found else None

    def timestamp(self, notification) -> datetime:
        return self.mapper.to_domain_event(notification).timestamp

    def first(self):
        """The log's first notification (``None``: an empty log)."""
        return self._at(1)

    def position_at(self, when: datetime, field: str = "as_of") -> int:
        """The id of the last notification timed at or before ``when``;
        ``as_of_before_log`` when the log began after it (or is empty)."""
        first = self.first()
        if first is None or self.timestamp(first) > when:
            began = shown(self.timestamp(first)) if first is not None else None
            raise DomainError("as_of_before_log", "所查询的时间早于系统中第一条记录",
                              field=field, as_of=shown(when), log_began=began)
        low, high = first.id, (self.recorder.max_notification_id() or first.id) + 1
        # Invariant: ``low`` exists and is timed at or before ``when``; every id >= ``high``
        # is after it (or absent).
        while high - low > 1:
            middle = (low + high) // 2
            found = self._at(middle, high - 1)
            if found is None or found.id >= high or self.timestamp(found) > when:
                high = middle
            else:
                low = found.id
        # One command's events are appended together but timed as each was made, not
        # always in the order they are stored: look a little further for any of them.
        for later in self.recorder.select_notifications(start=low, limit=LOOKAHEAD, inclusive_of_start=False):
            if self.timestamp(later) <= when:
                low = later.id
        return low


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, zone())


def day_of(when: datetime) -> date:
    return when.astimezone(zone()).date()


