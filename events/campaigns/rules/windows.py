"""Date windows: a phase's range, inside its parent's (a plan's overall span: ``window.py``)."""

from __future__ import annotations

from typing import Any

from taolun.events.campaigns.rules.values import iso_date
from taolun.events.kernel import DomainError


def check_window(start: Any, end: Any, *, field: str = "phase") -> tuple[str, str]:
    """Normalise a date range; ``phase_ends_before_start`` when it is inverted."""
    s, e = iso_date(start, f"{field}.start"), iso_date(end, f"{field}.end")
    if e < s:
        raise DomainError(
            "phase_ends_before_start", "结束日期早于开始日期", field=field, start=s, end=e
        )
    return s, e


def check_inside(
    start: str, end: str, outer_start: str, outer_end: str, *, code: str, **details: Any
) -> None:
    """``code`` unless ``[start, end]`` lies inside ``[outer_start, outer_end]``."""
    if start < outer_start or end > outer_end:
        raise DomainError(
            code,
            f"日期 {start}～{end} 超出上级时间范围 {outer_start}～{outer_end}",
            start=start,
            end=end,
            window_start=outer_start,
            window_end=outer_end,
            **details,
        )
