"""Progress figures: pure functions over the JSON held in ``ProgressRow.own`` / ``.total``.

A figures dict has integer counters and dict-of-integer histograms (see :data:`COUNTERS`,
:data:`HISTOGRAMS`); figures add and subtract key by key, which is what lets a change to one
node be rolled up to its ancestors as a delta. ``hours`` is kept in hundredths (an int) so
sums are exact and a rebuilt model equals the live one.

Time-dependent figures (days left, overdue and soon-due rectifications, days silent) and the
light are computed by :func:`assess` from the stored dates and "today" in the configured
time zone (Asia/Shanghai by default), by the campaign window's rules
(:mod:`taolun.events.campaigns.window`) and the lights' (:mod:`taolun.events.campaigns.lights`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from taolun.events.campaigns import lights
from taolun.events.campaigns import window as windows
from taolun.events.campaigns.lights import settings_of

COUNTERS = (
    "activities", "participants", "hours_x100", "suggestions", "suggestions_adopted",
    "suggestions_answered", "problems", "problems_completed", "problems_closed",
    "problems_reopened", "req_met", "req_total", "obliged_units", "plans_expected",
    "activities_returned", "plans_upstream_changed",
)
# by_kind: {kind: n}; by_phase: {phase id: n}; plans: {plan status: n};
# dated, so that read time counts only what has happened by today (an activity counts from
# its start date): days: {activity date: n}; day_participants, day_hours_x100: {date: sum};
# req_met_on: {date: +n/-n} requirements becoming met (or unmet again) on that date;
# deadlines: {deadline: n} of open rectifications; reopened_deadlines: the reopened ones.
HISTOGRAMS = ("by_kind", "by_phase", "days", "day_participants", "day_hours_x100", "req_met_on",
              "deadlines", "reopened_deadlines", "plans")


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


def _upto(histogram: Mapping[str, int] | None, on: str) -> int:
    return sum(n for d, n in (histogram or {}).items() if d <= on)


def met_on(changes: Mapping[str, int] | None, on: date) -> bool:
    """Whether a requirement with these dated changes (``{date: ±1}``) is met on ``on``."""
    return _upto(changes, on.isoformat()) > 0


def assess(
    total: Mapping[str, Any], *, window: tuple[str, str] | None, on: date,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The figures of one row as of ``on``, its completion score and its own light.

    Done by ``on``: activities (and their participants and hours) dated on or before it,
    requirements met by them. Later ones are planned.

    * score (0–100): the mean of the shares that apply — expected units with an approved
      plan, per-unit requirements met, problems verified (销号) — or ``None``.
    * pace: while the campaign runs, the share of requirements met should follow the share of
      the campaign elapsed: behind when it lags by more than ``pace_tolerance`` points.
    * red: a rectification overdue; or silent (no activity done for ``silent_days``) while the
      campaign runs; after the campaign, not finished (score below 100).
    * yellow: behind pace, a plan returned, or a reopened rectification (not overdue).
    * green otherwise (on pace, or finished).
    """
    cfg = settings_of(settings)
    today = on.isoformat()
    deadlines = total.get("deadlines") or {}
    reopened = total.get("reopened_deadlines") or {}
    overdue = sum(n for d, n in deadlines.items() if d < today)
    soon = {d: n for d, n in deadlines.items() if 0 <= _days(d, on) <= lights.DUE_SOON_DAYS}
    # Each open problem shows once, as lights.problem_light shows it on the problem list:
    # red (overdue) before yellow (reopened) before blue (due soon).
    reopened_open = total.get("problems_reopened", 0) - sum(n for d, n in reopened.items() if d < today)
    due_soon = sum(soon.values()) - sum(n for d, n in reopened.items() if d in soon)
    days_left = windows.days_left(window, on)
    ended = windows.has_ended(window, on)
    days = total.get("days") or {}
    happened = [d for d in days if d <= today]
    last = max(happened) if happened else None
    activities = _upto(days, today)
    silent_days = None
    if windows.has_started(window, on) and total.get("obliged_units"):  # silence concerns units bound to act
        since = max(last, window[0]) if last else window[0]
        silent_days = max(0, -_days(since, on))
    req_total = total.get("req_total", 0)
    req_met = _upto(total.get("req_met_on"), today)
    shares = []
    if total.get("plans_expected"):
        shares.append((total.get("plans") or {}).get("approved", 0) / total["plans_expected"])
    if req_total:
        shares.append(req_met / req_total)
    if total.get("problems"):
        shares.append(total["problems_closed"] / total["problems"])
    score = round(100 * sum(shares) / len(shares)) if shares else None
    expected_pct = windows.elapsed_pct(window, on)
    behind = expected_pct is not None and bool(req_total) and (
        100 * req_met / req_total < expected_pct - cfg["pace_tolerance"])
    silent = not ended and silent_days is not None and silent_days >= cfg["silent_days"]
    light = lights.own_light(
        overdue=overdue, silent=silent, unfinished=ended and score is not None and score < 100,
        behind=behind, returned=(total.get("plans") or {}).get("returned", 0), reopened=reopened_open)
    return {
        "days_left": days_left,
        "last_activity": last,
        "silent_days": silent_days,
        "silent": silent,
        "activities": activities,
        "activities_planned": total.get("activities", 0) - activities,
        "participants": _upto(total.get("day_participants"), today),
        "hours_x100": _upto(total.get("day_hours_x100"), today),
        "req_met": req_met,
        "expected_pct": expected_pct,
        "behind": behind,
        "problems_overdue": overdue,
        "problems_due_soon": due_soon,
        "problems_reopened": reopened_open,
        "problems_open": total.get("problems", 0) - total.get("problems_closed", 0)
        - total.get("problems_completed", 0),
        "score": score,
        "light": light,
    }


def compliance_text(met: int, total: int, days_left: int | None) -> str:
    """"2 of 3, 6 days left" (requirements met, summed over the units bound by them)."""
    text = f"{met} of {total}"
    if days_left is not None:
        text += f", {days_left} days left" if days_left >= 0 else f", {-days_left} days over"
    return text
