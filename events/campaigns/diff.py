"""Structured plan diffs and the upstream rebase (pure functions over plain dicts).

A plan's *content* is four sections — ``topics``, ``phases``, ``tasks``, ``requirements`` —
each a dict from item id (UUID string) to an item dict. A *released version* of a plan holds
its **visible content**: what a child inherits (no origins, no declines, no assignments; a
declined topic is not passed down). Items keep their ids across levels, so a school's
inherited phase has the id of the district's phase, which has the id of the city's phase.

``content_diff(old, new)`` compares two released versions::

    {"topics": {"added": [item], "removed": [item], "changed": [{"id", "fields", "old", "new"}]},
     "phases": {...}, "tasks": {...}, "requirements": {...}}

A changed phase carries its old and its new window in ``old``/``new``.

``apply_upstream(child_sections, diff)`` merges such a diff into a derived plan and answers
``(merged_sections, conflicts)``. A conflict is a dict ``{"code", "section", "id", "message",
…}``; codes: ``phase_outside_parent_window`` (a narrowed inherited phase no longer fits the
parent's new window), ``local_phase_outside_window`` (a local phase outside the new overall
window), ``declined_topic_now_mandatory``, ``task_phase_removed`` / ``requirement_phase_removed``
(a local item refers to a phase the parent dropped), ``task_due_outside_phase``.
An inherited phase the child never narrowed simply follows the parent's new window.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from taolun.events.campaigns.window import overall_window

SECTIONS: tuple[str, ...] = ("topics", "phases", "tasks", "requirements")

# The attributes of each item a child inherits (and that a diff compares).
VISIBLE_FIELDS: dict[str, tuple[str, ...]] = {
    "topics": ("id", "group", "title", "description", "mandatory"),
    "phases": ("id", "name", "start", "end"),
    "tasks": (
        "id", "title", "description", "phase_id", "responsible_units", "evidence_expected", "due",
    ),
    "requirements": (
        "id", "kind", "metric", "minimum", "per", "scope", "phase_id", "description",
    ),
}

Sections = dict[str, dict[str, dict[str, Any]]]


def empty_sections() -> Sections:
    return {s: {} for s in SECTIONS}


def visible_content(sections: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Sections:
    """What children inherit from these sections."""
    content = empty_sections()
    for section in SECTIONS:
        for iid, item in sections[section].items():
            if section == "topics" and item.get("declined"):
                continue
            content[section][iid] = {f: copy.deepcopy(item.get(f)) for f in VISIBLE_FIELDS[section]}
    return content


def inherit(content: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Sections:
    """The sections a newly derived plan starts from: everything inherited, nothing narrowed."""
    sections = empty_sections()
    for section in SECTIONS:
        for iid, item in content[section].items():
            sections[section][iid] = _inherited(section, item)
    return sections


def _inherited(section: str, item: Mapping[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(dict(item))
    new["origin"] = "inherited"
    if section == "topics":
        new["declined"] = None
    elif section == "phases":
        new["parent_start"], new["parent_end"] = new["start"], new["end"]
    elif section == "tasks":
        new["assignments"] = []
    return new


def content_diff(
    old: Mapping[str, Mapping[str, Mapping[str, Any]]],
    new: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    diff: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for section in SECTIONS:
        o, n = old.get(section, {}), new.get(section, {})
        changed = []
        for iid in n:
            if iid in o and o[iid] != n[iid]:
                fields = [f for f in VISIBLE_FIELDS[section] if o[iid].get(f) != n[iid].get(f)]
                changed.append(
                    {"id": iid, "fields": fields, "old": copy.deepcopy(o[iid]), "new": copy.deepcopy(n[iid])}
                )
        diff[section] = {
            "added": [copy.deepcopy(n[i]) for i in n if i not in o],
            "removed": [copy.deepcopy(o[i]) for i in o if i not in n],
            "changed": changed,
        }
    return diff


def is_empty(diff: Mapping[str, Mapping[str, list[Any]]]) -> bool:
    return not any(diff[s][k] for s in SECTIONS for k in ("added", "removed", "changed"))


def _conflict(code: str, section: str, iid: str, message: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "section": section, "id": iid, "message": message, **details}


def apply_upstream(
    child: Mapping[str, Mapping[str, Mapping[str, Any]]],
    diff: Mapping[str, Mapping[str, list[dict[str, Any]]]],
) -> tuple[Sections, list[dict[str, Any]]]:
    """Merge the parent's changes into a derived plan's sections; list what blocks it."""
    merged: Sections = {s: copy.deepcopy(dict(child[s])) for s in SECTIONS}
    conflicts: list[dict[str, Any]] = []

    # Removals first, then additions and changes.
    for section in SECTIONS:
        for item in diff[section]["removed"]:
            current = merged[section].get(item["id"])
            if current is not None and current["origin"] == "inherited":
                del merged[section][item["id"]]
        for item in diff[section]["added"]:
            if item["id"] not in merged[section]:
                merged[section][item["id"]] = _inherited(section, item)
        for change in diff[section]["changed"]:
            iid, new = change["id"], change["new"]
            current = merged[section].get(iid)
            if current is None or current["origin"] != "inherited":
                merged[section][iid] = _inherited(section, new)
                continue
            updated = _inherited(section, new)
            if section == "topics":
                updated["declined"] = current["declined"]
            elif section == "tasks":
                updated["assignments"] = current["assignments"]
            elif section == "phases":
                narrowed = (current["start"], current["end"]) != (
                    current["parent_start"],
                    current["parent_end"],
                )
                if narrowed:
                    updated["start"], updated["end"] = current["start"], current["end"]
            merged[section][iid] = updated

    phases = merged["phases"]
    for iid, topic in merged["topics"].items():
        if topic["origin"] == "inherited" and topic["mandatory"] and topic["declined"]:
            conflicts.append(
                _conflict(
                    "declined_topic_now_mandatory", "topics", iid,
                    f"已不采纳的讨论题目“{topic['title']}”现为必选，请重新采纳",
                )
            )
    inherited = [p for p in phases.values() if p["origin"] == "inherited"]
    window = overall_window(
        {"start": p["parent_start"], "end": p["parent_end"]} for p in inherited
    )
    for iid, phase in phases.items():
        if phase["origin"] == "inherited":
            if phase["start"] < phase["parent_start"] or phase["end"] > phase["parent_end"]:
                conflicts.append(
                    _conflict(
                        "phase_outside_parent_window", "phases", iid,
                        f"阶段“{phase['name']}”的日期 {phase['start']}～{phase['end']} "
                        f"超出上级新的时间范围 {phase['parent_start']}～{phase['parent_end']}",
                        start=phase["start"], end=phase["end"],
                        parent_start=phase["parent_start"], parent_end=phase["parent_end"],
                    )
                )
        elif window and (phase["start"] < window[0] or phase["end"] > window[1]):
            conflicts.append(
                _conflict(
                    "local_phase_outside_window", "phases", iid,
                    f"本级阶段“{phase['name']}”超出上级新的总体时间范围 {window[0]}～{window[1]}",
                    start=phase["start"], end=phase["end"],
                    window_start=window[0], window_end=window[1],
                )
            )
    for section in ("tasks", "requirements"):
        for iid, item in merged[section].items():
            if item["origin"] != "local" or not item.get("phase_id"):
                continue
            phase = phases.get(item["phase_id"])
            if phase is None:
                conflicts.append(
                    _conflict(
                        f"{section[:-1]}_phase_removed", section, iid,
                        f"“{item.get('title') or item.get('description') or item['kind']}”"
                        "所属阶段已被上级删除，请改到其他阶段或删除",
                        phase_id=item["phase_id"],
                    )
                )
            elif section == "tasks" and item.get("due") and not (
                phase["start"] <= item["due"] <= phase["end"]
            ):
                conflicts.append(
                    _conflict(
                        "task_due_outside_phase", "tasks", iid,
                        f"任务“{item['title']}”的完成时限 {item['due']} 不在所属阶段内",
                        due=item["due"], phase_start=phase["start"], phase_end=phase["end"],
                    )
                )
    return merged, conflicts
