"""How far a unit's activities go towards a requirement (read by the progress view)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from taolun.events.campaigns.rules.values import to_datetime


def activity_days(start: str, end: str) -> int:
    """Calendar days an activity covers (a three-day retreat counts 3)."""
    return (to_datetime(end).date() - to_datetime(start).date()).days + 1


def requirement_progress(
    req: Mapping[str, Any],
    activities: Iterable[Mapping[str, Any]],
    phases: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """How far one unit's activities go towards ``req``.

    ``activities`` are dicts with the attributes of ``Activity.Logged`` (as corrected):
    ``kind``, ``start``, ``end``, ``hours``, ``leaders``, ``phase_id``, ``status``. Retracted
    and returned entries do not count. A phase-scoped requirement counts the activities that
    start inside the phase (by the link only when ``phases`` does not know the phase). Answers
    ``{"achieved", "minimum", "met"}`` for a unit, plus ``"by_leader"`` when per leader.
    """

    def counts(a: Mapping[str, Any]) -> bool:
        if a.get("status", "logged") != "logged" or a["kind"] != req["kind"]:
            return False
        if req["scope"] != "phase":
            return True
        # The date decides (the phase link is a hint): an activity counts for the phase it
        # started in, so moving a phase's dates recounts what falls inside it.
        phase = (phases or {}).get(req["phase_id"])
        if phase is None:
            return a.get("phase_id") == req["phase_id"]
        return phase["start"] <= a["start"][:10] <= phase["end"]

    def measure(items: list[Mapping[str, Any]]) -> int | Decimal:
        if req["metric"] == "count":
            return len(items)
        if req["metric"] == "days":
            days: set[int] = set()
            for a in items:
                first = to_datetime(a["start"]).date().toordinal()
                days.update(range(first, first + activity_days(a["start"], a["end"])))
            return len(days)
        return sum((Decimal(str(a.get("hours") or 0)) for a in items), Decimal(0))

    matching = [a for a in activities if counts(a)]
    if req["per"] == "leader":
        leaders = sorted({leader for a in matching for leader in a.get("leaders") or []})
        by_leader = {
            leader: measure([a for a in matching if leader in (a.get("leaders") or [])])
            for leader in leaders
        }
        met = bool(by_leader) and all(v >= req["minimum"] for v in by_leader.values())
        return {"by_leader": by_leader, "minimum": req["minimum"], "met": met,
                "achieved": min(by_leader.values(), default=0)}
    achieved = measure(matching)
    return {"achieved": achieved, "minimum": req["minimum"], "met": achieved >= req["minimum"]}


def requirement_met_changes(
    req: Mapping[str, Any],
    activities: Iterable[Mapping[str, Any]],
    phases: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, int]:
    """``{date: +1 | -1}``: the days on which ``req`` becomes met (+1) or unmet again (-1,
    possible per leader: a new leader starts at zero), counting each activity from its start
    date. Summing the changes up to a day tells whether it is met on that day."""
    items = list(activities)
    changes: dict[str, int] = {}
    met = False
    for on in sorted({a["start"][:10] for a in items}):
        now = requirement_progress(req, [a for a in items if a["start"][:10] <= on], phases)["met"]
        if now != met:
            changes[on], met = (1 if now else -1), now
    return changes
