"""What every command input must be before it becomes an event: something the read models
can store on either database.

An event, once appended, is history: if a projection cannot store it, it cannot be fixed by
changing the event. So the limits of the read-model columns are checked on the write side,
here, for every context alike:

- text: no NUL (PostgreSQL text and jsonb refuse it), no lone surrogates (not encodable as
  UTF-8), no other control characters (single-line fields refuse tab and newline too), and
  no longer than its column;
- integers: within PostgreSQL ``integer`` (the read models' counters and versions), which
  also keeps them far from SQLite's 64-bit limit;
- decimals (hours): within the column's digits and decimal places.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from taolun.events.kernel import DomainError

MAX_INT = 2**31 - 1  # PostgreSQL integer, the narrowest integer column a value may reach
MAX_BIGINT = 2**63 - 1  # 64-bit columns (row ids, log positions) on both databases
# Hours are stored as DECIMAL(10, 2): at most 8 digits before the point, 2 after.
HOURS_MAX_DIGITS, HOURS_DECIMAL_PLACES = 10, 2
MAX_HOURS = Decimal(10) ** (HOURS_MAX_DIGITS - HOURS_DECIMAL_PLACES) - Decimal("0.01")

_MULTILINE_CONTROLS = frozenset("\t\n\r")


def bad_character(value: str, *, multiline: bool) -> str | None:
    """The first character of ``value`` no column should hold, or ``None``."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":  # a lone surrogate: the text is not valid Unicode
            return char
        if category == "Cc" and not (multiline and char in _MULTILINE_CONTROLS):
            return char
    return None


def check_characters(value: str, field: str, *, multiline: bool = True) -> str:
    char = bad_character(value, multiline=multiline)
    if char is not None:
        raise DomainError(
            "invalid_characters",
            f"{field} 含有不允许的字符（U+{ord(char):04X}）",
            field=field,
            character=f"U+{ord(char):04X}",
        )
    return value


def clean_text(
    value: Any,
    field: str,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = True,
    blank_code: str = "required_field_missing",
    long_code: str = "text_too_long",
) -> str:
    """A stripped string that fits a column of ``max_length`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("invalid_text", f"{field} 必须是文本", field=field)
    value = check_characters(value.strip(), field, multiline=multiline)
    if required and not value:
        raise DomainError(blank_code, f"{field} 不能为空", field=field)
    if len(value) > max_length:
        raise DomainError(
            long_code, f"{field} 不能超过 {max_length} 个字符", field=field, max_length=max_length
        )
    return value


def bounded_int(value: Any, field: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    """An int (never a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("invalid_number", f"{field} 必须是整数", field=field)
    if not minimum <= value <= maximum:
        raise out_of_range(field, minimum, maximum)
    return value


def out_of_range(field: str, minimum: int, maximum: int) -> DomainError:
    return DomainError(
        "number_out_of_range",
        f"{field} 须在 {minimum} 到 {maximum} 之间",
        field=field,
        minimum=minimum,
        maximum=maximum,
    )


def check_hours(value: int | Decimal, field: str) -> int | Decimal:
    """Hours that DECIMAL(10, 2) holds exactly: no rounding between event and read model."""
    if value > MAX_HOURS:
        raise DomainError(
            "number_out_of_range", f"{field} 不能超过 {MAX_HOURS}", field=field, maximum=str(MAX_HOURS)
        )
    if isinstance(value, Decimal) and value != value.quantize(Decimal(1).scaleb(-HOURS_DECIMAL_PLACES)):
        raise DomainError(
            "too_many_decimal_places",
            f"{field} 最多保留 {HOURS_DECIMAL_PLACES} 位小数",
            field=field,
            decimal_places=HOURS_DECIMAL_PLACES,
        )
    return value
