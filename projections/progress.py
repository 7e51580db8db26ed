"""Progress figures: pure functions over the JSON held in ``ProgressRow.own`` / ``.total``.

A figures dict has integer counters and dict-of-integer histograms (see :data:`COUNTERS`,
:data:`HISTOGRAMS`); figures add and subtract key by key, which is what lets a change to one
node be rolled up to its ancestors as a delta. ``hours`` is kept in hundredths (an int) so
sums are exact and a rebuilt model equals the live one.

Time-dependent figures (days left, overdue and soon-due rectifications, days silent) and the
light are computed by :func:`assess` from the stored dates and "today" in the configured
time zone (Asia/Shanghai by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

COUNTERS = (
    "activities", "participants", "hours_x100", "suggestions", "suggestions_adopted",
    "suggestions_answered", "problems", "problems_completed", "problems_closed",
    "problems_reopened", "req_met", "req_total", "obliged_units", "plans_expected",
    "activities_returned",
)
# by_kind: {kind: n}; by_phase: {phase id: n}; days: {activity date: n};
# deadlines: {deadline: n} of open rectifications; plans: {plan status: n}
HISTOGRAMS = ("by_kind", "by_phase", "days", "deadlines", "plans")

SILENT_DAYS = 30  # a unit with no activity for this long is flagged
DUE_SOON_DAYS = 7  # a rectification due within this many days is blue
PLAN_STATUSES = ("not_derived", "draft", "submitted", "returned", "approved", "upstream_changed")


def empty() -> dict[str, Any]:
    return {**{k: 0 for k in COUNTERS}, **{k: {} for k in HISTOGRAMS}}


def combine(a: Mapping[str, Any], b: Mapping[str, Any], sign: int = 1) -> dict[str, Any]:
    """``a + sign * b``, dropping histogram keys that reach zero."""
    out = empty()
    for k in COUNTERS:
        out[k] = a.get(k, 0) + sign * b.get(k, 0)
    for k in HISTOGRAMS:
        merged = dict(a.get(k) or {})
        for key, n in (b.get(k) or {}).items():
            merged[key] = merged.get(key, 0) + sign * n
        out[k] = {key: n for key, n in sorted(merged.items()) if n}
    return out


def add_into(target: dict[str, Any], delta: Mapping[str, Any], sign: int = 1) -> dict[str, Any]:
    """``target += sign * delta`` in place (zeros kept, keys unsorted: an accumulator;
    :func:`combine` it into a stored figure)."""
    for k in COUNTERS:
        target[k] = target.get(k, 0) + sign * delta.get(k, 0)
    for k in HISTOGRAMS:
        into = target.setdefault(k, {})
        for key, n in (delta.get(k) or {}).items():
            into[key] = into.get(key, 0) + sign * n
    return target


def is_zero(figures: Mapping[str, Any]) -> bool:
    return not any(figures.get(k) for k in COUNTERS) and not any(figures.get(k) for k in HISTOGRAMS)


def today(tz: str = "Asia/Shanghai") -> date:
    return datetime.now(ZoneInfo(tz)).date()


def _days(a: str, b: date) -> int:
    return (date.fromisoformat(a) - b).days


def assess(
    total: Mapping[str, Any], *, window: tuple[str, str] | None, on: date
) -> dict[str, Any]:
    """The time-dependent figures, the completion score and the light of one row.

    * score (0–100): the mean of the shares that apply — expected units with an approved
      plan, per-unit requirements met, problems verified (销号) — or ``None``.
    * red: a rectification overdue; or units silent for 30 days or more while the campaign
      runs; or the campaign is over and the score is below 100.
    * yellow: a plan returned, a rectification reopened, or a score below 60.
    * green otherwise.
    """
    deadlines = total.get("deadlines") or {}
    overdue = sum(n for d, n in deadlines.items() if _days(d, on) < 0)
    due_soon = sum(n for d, n in deadlines.items() if 0 <= _days(d, on) <= DUE_SOON_DAYS)
    days_left = _days(window[1], on) if window else None
    started = window is not None and _days(window[0], on) <= 0
    days = total.get("days") or {}
    last = max(days) if days else None
    silent_days = None
    if started and (total.get("obliged_units") or total.get("activities")):
        since = max(last, window[0]) if last else window[0]
        silent_days = max(0, -_days(since, on))
    shares = []
    if total.get("plans_expected"):
        shares.append((total.get("plans") or {}).get("approved", 0) / total["plans_expected"])
    if total.get("req_total"):
        shares.append(total["req_met"] / total["req_total"])
    if total.get("problems"):
        shares.append(total["problems_closed"] / total["problems"])
    score = round(100 * sum(shares) / len(shares)) if shares else None
    silent = silent_days is not None and silent_days >= SILENT_DAYS
    returned = (total.get("plans") or {}).get("returned", 0)
    if overdue or silent or (days_left is not None and days_left < 0 and score is not None and score < 100):
        light = "red"
    elif returned or total.get("problems_reopened") or (score is not None and score < 60):
        light = "yellow"
    else:
        light = "green"
    return {
        "days_left": days_left,
        "last_activity": last,
        "silent_days": silent_days,
        "silent": silent,
        "problems_overdue": overdue,
        "problems_due_soon": due_soon,
        "problems_open": total.get("problems", 0) - total.get("problems_closed", 0)
        - total.get("problems_completed", 0),
        "score": score,
        "light": light,
    }


def compliance_text(total: Mapping[str, Any], days_left: int | None) -> str:
    """"2 of 3, 6 days left" (requirements met, summed over the units bound by them)."""
    text = f"{total.get('req_met', 0)} of {total.get('req_total', 0)}"
    if days_left is not None:
        text += f", {days_left} days left" if days_left >= 0 else f", {-days_left} days over"
    return text
