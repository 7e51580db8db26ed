"""A campaign's window: from its earliest phase start to its latest phase end.

The window in force is the one of the campaign's latest *released* version (a draft's
phases do not move it); before the first release, the draft's. The write side checks
activity dates against it, the read side measures days left, pace and silence by it. Dates
are ISO strings (``YYYY-MM-DD``), which order like the dates they name. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

Window = tuple[str, str]


def overall_window(phases: Iterable[Mapping[str, Any]]) -> Window | None:
    """The span from the earliest phase start to the latest phase end (``None``: no phase)."""
    phases = list(phases)
    if not phases:
        return None
    return min(p["start"] for p in phases), max(p["end"] for p in phases)


def released_window(content: Mapping[str, Any]) -> Window | None:
    """The window of a released version's content (``{"phases": {id: phase}, …}``)."""
    return overall_window(content["phases"].values())


def campaign_window(versions: Sequence[Mapping[str, Any]], phases: Mapping[str, Any]) -> Window | None:
    """The window in force: the latest release's; before the first release, the draft's."""
    if versions:
        return released_window(versions[-1]["content"])
    return overall_window(phases.values())


def days_left(window: Window | None, on: date) -> int | None:
    """Days from ``on`` to the window's last day (negative once it has ended)."""
    return None if window is None else (date.fromisoformat(window[1]) - on).days


def has_started(window: Window | None, on: date) -> bool:
    return window is not None and window[0] <= on.isoformat()


def has_ended(window: Window | None, on: date) -> bool:
    return window is not None and window[1] < on.isoformat()


def elapsed_pct(window: Window | None, on: date) -> int | None:
    """The share of the window's days (``on`` included) that have begun, while it runs."""
    if not has_started(window, on) or has_ended(window, on):
        return None
    start = date.fromisoformat(window[0])
    length = (date.fromisoformat(window[1]) - start).days + 1
    return round(100 * min(1.0, ((on - start).days + 1) / length))
