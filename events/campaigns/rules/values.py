"""Scalar values of the campaign context: texts, ids, dates, times, numbers.

Every function answers a normalised, JSON-storable value or raises a :class:`DomainError`
with a stable code. Dates travel in events as ISO strings (``YYYY-MM-DD``; activity times as
ISO date-times), because the library's default JSON transcoder stores ``datetime``, ``UUID``
and ``Decimal`` but not ``date``. ISO date strings of one shape order like the dates they
name, so windows compare as strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from taolun.events.kernel import DomainError
from taolun.events.values import MAX_INT, check_hours, clean_text, out_of_range

# The read models keep activity times as given, in a 40-character column; the longest
# canonical form ("2026-01-01T08:30:00.000000+08:00") has 32.
MAX_DATETIME_LENGTH = 40

# An activity may be entered ahead as planned (it counts from its date), up to this many days.
PLANNED_AHEAD_DAYS = 60
# "Today" of the campaigns (DESIGN: time-dependent figures use today in Asia/Shanghai).
TIME_ZONE = "Asia/Shanghai"


def today() -> date:
    return datetime.now(ZoneInfo(TIME_ZONE)).date()


def text(value: Any, field: str, *, required: bool = True, max_length: int = 20000) -> str:
    """A stripped string that fits its column; ``required_field_missing`` when empty and
    required."""
    return clean_text(value, field, max_length=max_length, required=required)


def text_list(values: Any, field: str, *, required: bool = False) -> list[str]:
    if values is None:
        values = []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise DomainError("invalid_list", f"{field} 必须是列表", field=field)
    result = [text(v, field) for v in values]
    if required and not result:
        raise DomainError("required_field_missing", f"{field} 不能为空", field=field)
    return result


def item_id(value: Any, field: str = "id") -> str:
    """An item id (UUID) in its canonical string form, as stored in events and state."""
    try:
        return str(value if isinstance(value, UUID) else UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise DomainError("invalid_id", f"{field} 不是有效的标识", field=field) from None


def uuid_list(values: Any, field: str) -> list[UUID]:
    if values is None:
        return []
    if isinstance(values, (str, UUID)) or not isinstance(values, Iterable):
        raise DomainError("invalid_list", f"{field} 必须是列表", field=field)
    return [UUID(item_id(v, field)) for v in values]


def iso_date(value: Any, field: str) -> str:
    """A calendar date as ``YYYY-MM-DD`` (accepts ``date``, ``datetime`` or an ISO string)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise DomainError("invalid_date", f"{field} 不是有效日期", field=field, value=str(value))


def optional_iso_date(value: Any, field: str) -> str | None:
    return None if value in (None, "") else iso_date(value, field)


def iso_datetime(value: Any, field: str) -> str:
    """A moment as an ISO string; a bare date stays a bare date (a whole-day entry)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value.strip()) <= MAX_DATETIME_LENGTH:
        try:
            datetime.fromisoformat(value.strip())
            return value.strip()
        except ValueError:
            pass
    raise DomainError("invalid_datetime", f"{field} 不是有效时间", field=field, value=str(value))


def to_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


def number(value: Any, field: str, *, positive: bool = False) -> int | Decimal:
    """A non-negative (or positive) int or Decimal, never a float (floats do not round-trip),
    no larger than an integer column holds."""
    if isinstance(value, bool) or value is None:
        raise DomainError("invalid_number", f"{field} 必须是数字", field=field)
    if isinstance(value, int):
        result: int | Decimal = value
    else:
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise DomainError("invalid_number", f"{field} 必须是数字", field=field) from None
        if not result.is_finite():
            raise DomainError("invalid_number", f"{field} 必须是数字", field=field)
    if result < 0 or (positive and result == 0):
        raise DomainError(
            "invalid_number", f"{field} 必须{'大于' if positive else '不小于'}0", field=field
        )
    if result > MAX_INT:  # checked before int(): "1e999999999" must not become an int
        raise out_of_range(field, 0, MAX_INT)
    if isinstance(result, Decimal) and result == result.to_integral_value():
        result = int(result)
    return result


def hours(value: Any, field: str = "hours", *, positive: bool = False) -> int | Decimal:
    """Hours as the read models store them: DECIMAL(10, 2), exactly."""
    return check_hours(number(value, field, positive=positive), field)

