"""A node's own figures in a campaign: a function of its detail rows alone.

Computed for many nodes at once (one query per detail table). Activity figures keep each
entry's date, so "done by today" is summed at read time; requirements come from the released
content of the nearest released plan at or above the unit (:func:`governing_plans`), looked
up when the figures are computed, so the figures are the same whatever the batching.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from django.db.models.fields.json import KT

from taolun.events.campaigns import rules
from taolun.projections import progress as figures
from taolun.projections.campaigns.batch import CHUNK
from taolun.projections.jsonable import number
from taolun.projections.models import ActivityRow, PlanRow, ProblemRow, ProgressRow, SuggestionRow
from taolun.tenants import paths

# The parts of a node's own figures that can go stale.
ALL_PARTS = frozenset({"plan", "activities", "suggestions", "problems"})


def compute_own(campaign_id: UUID, work: dict[UUID, tuple[ProgressRow, Any]]) -> None:
    """Set ``row.own`` for each node from its detail rows (the ``parts`` that changed):
    one query per detail table for all of them."""
    def nodes(*names: str) -> list[UUID]:
        return [n for n, (_, parts) in work.items() if any(p in parts for p in names)]

    acts = grouped(ActivityRow.objects.filter(campaign_id=campaign_id).annotate(leaders=KT("data__leaders")),
                   nodes("activities", "reqs"),
                   "kind", "start", "end", "hours", "participants", "phase_id", "status", "leaders")
    suggs = grouped(SuggestionRow.objects.filter(campaign_id=campaign_id), nodes("suggestions"),
                    "status", "answer")
    probs = grouped(ProblemRow.objects.filter(campaign_id=campaign_id), nodes("problems"),
                    "status", "deadline", "reopened")
    governing = governing_plans(campaign_id, [r.path for n, (r, _) in work.items() if n in acts])
    for n, (row, parts) in work.items():
        own = {**figures.empty(), **row.own}
        if "plan" in parts:
            has = row.plan_id is not None
            own["plans_expected"] = int(row.expected or has)
            own["plans"] = {row.plan_status: 1} if (row.expected or has) and row.plan_status else {}
            own["plans_upstream_changed"] = int(has and row.upstream_changed)
        if n in acts:
            plan = governing(row.path)
            row.governing_plan_id = plan["id"]
            activity_figures(row, own, acts[n], "activities" in parts, plan["released"])
        if n in suggs:
            rows = suggs[n]
            own["suggestions"] = len(rows)
            own["suggestions_adopted"] = sum(1 for s in rows if s["status"] == "adopted")
            own["suggestions_answered"] = sum(1 for s in rows if s["answer"])
        if n in probs:
            rows = probs[n]
            own["problems"] = len(rows)
            own["problems_completed"] = sum(1 for p in rows if p["status"] == "completed")
            own["problems_closed"] = sum(1 for p in rows if p["status"] == "verified")
            open_rows = [p for p in rows if p["status"] in ("open", "rectifying")]
            own["problems_reopened"] = sum(1 for p in open_rows if p["reopened"])
            deadlines: dict[str, int] = defaultdict(int)
            reopened: dict[str, int] = defaultdict(int)
            for p in open_rows:
                if p["deadline"]:
                    deadlines[p["deadline"]] += 1
                    if p["reopened"]:  # read time shows each once: overdue before reopened
                        reopened[p["deadline"]] += 1
            own["deadlines"] = dict(sorted(deadlines.items()))
            own["reopened_deadlines"] = dict(sorted(reopened.items()))
        row.own = own


def governing_plans(campaign_id: UUID, unit_paths: list[str]):
    """``path -> plan``: the nearest released plan of the campaign at or above the unit at
    ``path`` (itself included) — one rule however the unit got there (derived, moved,
    registered later, published to chosen units). Only the plans on the given paths' chains
    are read."""
    chains: set[str] = set()
    for path in unit_paths:
        chains.update(paths.prefixes(path))
    plans: dict[str, dict] = {}
    found = PlanRow.objects.filter(campaign_id=campaign_id, released_version__gt=0)
    chosen = sorted(chains)
    for i in range(0, len(chosen), CHUNK):
        for p in found.filter(path__in=chosen[i:i + CHUNK]).values("id", "path", "kind", "released"):
            plans[p["path"]] = p  # a unit holds one plan per campaign (the campaign's: the campaign)

    def nearest(path: str) -> dict:
        for prefix in reversed(paths.prefixes(path)):
            plan = plans.get(prefix)
            if plan is not None:
                return plan
        raise LookupError(f"no released plan above {path}")

    return nearest


def grouped(rows, node_ids: list[UUID], *fields: str) -> dict[UUID, list[dict]]:
    """The detail rows of ``node_ids`` by node (every node present, maybe with none): only
    the columns named (tuples, not whole JSON documents decoded), as dicts."""
    out: dict[UUID, list[dict]] = {n: [] for n in node_ids}
    for i in range(0, len(node_ids), CHUNK):
        for node_id, *values in rows.filter(node_id__in=node_ids[i:i + CHUNK]).values_list("node_id", *fields):
            out[node_id].append(dict(zip(fields, values)))
    return out


def activity_figures(row: ProgressRow, own: dict, acts: list[dict], recount: bool,
                      plan: dict) -> None:
    """Activity figures keep each entry's date (an activity counts from its date: one dated
    in the future is planned, not done — read time sums the dated histograms up to today)."""
    counted = [a for a in acts if a["status"] == "logged"]
    if recount:
        own["activities"] = len(counted)
        own["activities_returned"] = sum(1 for a in acts if a["status"] == "returned")
        own["participants"] = sum(a["participants"] for a in counted)
        own["hours_x100"] = int(sum((Decimal(a["hours"] or 0) * 100 for a in counted), Decimal(0)))
        by_kind: dict[str, int] = defaultdict(int)
        by_phase: dict[str, int] = defaultdict(int)
        days: dict[str, int] = defaultdict(int)
        day_participants: dict[str, int] = defaultdict(int)
        day_hours: dict[str, int] = defaultdict(int)
        for a in counted:
            on = a["start"][:10]
            by_kind[a["kind"]] += 1
            by_phase[a["phase_id"] or "none"] += 1
            days[on] += 1
            day_participants[on] += a["participants"]
            day_hours[on] += int(Decimal(a["hours"] or 0) * 100)
        own["by_kind"], own["by_phase"] = dict(sorted(by_kind.items())), dict(sorted(by_phase.items()))
        own["days"] = dict(sorted(days.items()))
        own["day_participants"] = {k: v for k, v in sorted(day_participants.items()) if v}
        own["day_hours_x100"] = {k: v for k, v in sorted(day_hours.items()) if v}
    # Bound by the per-unit requirements only where the publication says so (coverage):
    # logging one's own activities does not switch them on.
    bound = row.obliged
    own["obliged_units"] = int(bound)
    if not bound:
        own["req_met"] = own["req_total"] = 0
        own["req_met_on"] = {}
        own["requirements"] = []
        return
    reqs = plan.get("requirements") or {}
    facts = [{**a, "leaders": orjson.loads(a["leaders"]) if a["leaders"] else []} for a in acts]
    detail = []
    met_on: dict[str, int] = defaultdict(int)
    for rid, req in sorted(reqs.items()):
        result = rules.requirement_progress(req, facts, plan.get("phases"))
        changes = rules.requirement_met_changes(req, facts, plan.get("phases"))
        for on, change in changes.items():
            met_on[on] += change
        detail.append({"id": rid, "kind": req["kind"], "metric": req["metric"],
                       "description": req.get("description", ""),
                       "minimum": number(req["minimum"]), "achieved": number(result["achieved"]),
                       "met": result["met"], "met_on": changes})
    own["req_total"] = len(detail)
    own["req_met"] = sum(1 for d in detail if d["met"])
    own["req_met_on"] = {k: v for k, v in sorted(met_on.items()) if v}
    own["requirements"] = detail

