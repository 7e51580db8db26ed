"""Differences between two moments.

* a plan: its items added, removed and changed between its versions at the two moments
  (the write side's own structured diff), each with the events that touched it — who and
  when — and the header, leading group and status when they changed;
* a subtree's progress: every figure and light of the node and of its children that is not
  the same in the two answers (figures that only move with the calendar — days left, the
  expected pace — are left out: they change every day and say nothing about the work).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from taolun.events.campaigns.diff import SECTIONS, content_diff, empty_sections
from taolun.projections.as_of.aggregates import Change, between
from taolun.projections.as_of.moments import shown

PLAN_FIELDS = ("header", "leading_group", "status")
CALENDAR_FIGURES = frozenset({
    "today", "days_left", "silent_days", "pace.expected_pct", "requirements.text", "window",
})


def change_out(change: Change, names: dict[str, str]) -> dict[str, Any]:
    actor = str(change.actor) if change.actor else None
    return {"version": change.version, "at": shown(change.at), "event": change.kind,
            "actor_id": actor, "actor_name": names.get(actor or "", "系统" if actor is None else "")}


def plan_changes(old_plan: Any, new_plan: Any, changes: list[Change], old: int | None, new: int | None,
                 names: Callable[[Iterable[UUID]], dict[str, str]]) -> dict[str, Any]:
    """``old_plan``/``new_plan``: the plan at versions ``old``/``new`` (``None``: it did not
    exist yet); ``changes``: its history; ``names``: user id -> display name."""
    done = between(changes, old, new)
    who = names({c.actor for c in done if c.actor})

    def touching(iid: str) -> list[dict[str, Any]]:
        return [change_out(c, who) for c in done if iid in c.items]

    diff = content_diff(old_plan.sections if old_plan else empty_sections(),
                        new_plan.sections if new_plan else empty_sections())
    sections = {}
    for section in SECTIONS:
        part = diff[section]
        sections[section] = {
            "added": [{"item": i, "by": touching(i["id"])} for i in part["added"]],
            "removed": [{"item": i, "by": touching(i["id"])} for i in part["removed"]],
            "changed": [{**c, "by": touching(c["id"])} for c in part["changed"]],
        }
    fields = []
    for name in PLAN_FIELDS:
        before = getattr(old_plan, name, None) if old_plan else None
        after = getattr(new_plan, name, None) if new_plan else None
        if before != after:
            fields.append({"field": name, "old": before, "new": after})
    return {"old_version": old, "new_version": new, "sections": sections, "fields": fields,
            "events": [change_out(c, who) for c in done]}


def flatten(figures: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif key != "children" and name not in CALENDAR_FIGURES:
            out[name] = value
    return out


def figure_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    a, b = flatten(old or {}), flatten(new or {})
    return [{"figure": k, "old": a.get(k), "new": b.get(k)}
            for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]


def progress_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """Two answers of the progress read (a node with its children), at two moments."""
    def children(answer: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        return {c["node_id"]: c for c in (answer or {}).get("children", [])}

    before, after = children(old), children(new)
    units = []
    for node_id in [*after, *(k for k in before if k not in after)]:
        changed = figure_changes(before.get(node_id), after.get(node_id))
        if changed:
            named = after.get(node_id) or before[node_id]
            units.append({"node_id": node_id, "name": named["name"], "kind": named["kind"],
                          "light": [(before.get(node_id) or {}).get("light"),
                                    (after.get(node_id) or {}).get("light")],
                          "changes": changed})
    return {"node": figure_changes(old, new), "children": units}


def moments_out(start: datetime, end: datetime, positions: tuple[int, int]) -> dict[str, Any]:
    return {"from": shown(start), "to": shown(end), "from_position": positions[0], "to_position": positions[1]}
