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
    "activities_returned", "plans_upstream_changed",
)
# by_kind: {kind: n}; by_phase: {phase id: n}; plans: {plan status: n};
# dated, so that read time counts only what has happened by today (an activity counts from
# its start date): days: {activity date: n}; day_participants, day_hours_x100: {date: sum};
# req_met_on: {date: +n/-n} requirements becoming met (or unmet again) on that date;
# deadlines: {deadline: n} of open rectifications; reopened_deadlines: the reopened ones.
HISTOGRAMS = ("by_kind", "by_phase", "days", "day_participants", "day_hours_x100", "req_met_on",
              "deadlines", "reopened_deadlines", "plans")

DUE_SOON_DAYS = 7  # a rectification due within this many days is blue (problems only)
# Per-campaign settings (Plan.ProgressSettingsChanged) override these defaults.
DEFAULT_SETTINGS = {
    "silent_days": 30,  # a unit with no activity for this long is silent (while the campaign runs)
    "pace_tolerance": 20,  # percentage points of compliance a unit may lag the elapsed share
    "red_share": 20,  # a node is red when more than this % of its units are red
    "yellow_share": 30,  # … yellow when more than this % are red or yellow
}
LIGHTS = ("green", "yellow", "red")
# The units a node's light is made of: the ones measured by the per-unit requirements.
MEASURED_KINDS = ("branch", "office")

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


def settings_of(stored: Mapping[str, Any] | None) -> dict[str, int]:
    return {**DEFAULT_SETTINGS, **(stored or {})}


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
    soon = {d: n for d, n in deadlines.items() if 0 <= _days(d, on) <= DUE_SOON_DAYS}
    # Each open problem shows once: red (overdue) before yellow (reopened) before blue (due soon).
    reopened_open = total.get("problems_reopened", 0) - sum(n for d, n in reopened.items() if d < today)
    due_soon = sum(soon.values()) - sum(n for d, n in reopened.items() if d in soon)
    days_left = _days(window[1], on) if window else None
    started = window is not None and window[0] <= today
    ended = days_left is not None and days_left < 0
    days = total.get("days") or {}
    happened = [d for d in days if d <= today]
    last = max(happened) if happened else None
    activities = _upto(days, today)
    silent_days = None
    if started and total.get("obliged_units"):  # silence concerns units bound to act
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
    expected_pct = None
    behind = False
    if started and not ended:
        length = _days(window[1], date.fromisoformat(window[0])) + 1
        expected_pct = round(100 * min(1.0, (_days(today, date.fromisoformat(window[0])) + 1) / length))
        if req_total:
            behind = 100 * req_met / req_total < expected_pct - cfg["pace_tolerance"]
    silent = not ended and silent_days is not None and silent_days >= cfg["silent_days"]
    returned = (total.get("plans") or {}).get("returned", 0)
    if overdue or silent or (ended and score is not None and score < 100):
        light = "red"
    elif behind or returned or reopened_open:
        light = "yellow"
    else:
        light = "green"
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


def share_light(own_light: str, units: Mapping[str, int], settings: Mapping[str, Any] | None = None) -> str:
    """The light of a node with measured units below it, by shares of their lights (not by
    a single item anywhere below): red when more than ``red_share`` % of them are red, yellow
    when more than ``yellow_share`` % are red or yellow; the node's own light (its own plan
    returned, its own rectification overdue) when that is worse."""
    cfg = settings_of(settings)
    n = sum(units.get(k, 0) for k in LIGHTS)
    if not n:
        return own_light
    red, yellow = units.get("red", 0), units.get("yellow", 0)
    if 100 * red > cfg["red_share"] * n:
        shared = "red"
    elif 100 * (red + yellow) > cfg["yellow_share"] * n:
        shared = "yellow"
    else:
        shared = "green"
    return max(shared, own_light, key=LIGHTS.index)


def compliance_text(met: int, total: int, days_left: int | None) -> str:
    """"2 of 3, 6 days left" (requirements met, summed over the units bound by them)."""
    text = f"{met} of {total}"
    if days_left is not None:
        text += f", {days_left} days left" if days_left >= 0 else f", {-days_left} days over"
    return text
