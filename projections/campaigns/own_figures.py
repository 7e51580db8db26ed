"""A node's own figures in a campaign: a function of its detail rows alone.

Computed for many nodes at once (one query per detail table). Activity figures keep each
entry's date, so "done by today" is summed at read time; requirements come from the released
content of the nearest released plan at or above the unit (:func:`governing_plans`), looked
up when the figures are computed, so the figures are the same whatever the batching.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models.fields.json import KeyTransform

from taolun.events.campaigns import rules
from taolun.projections import progress as figures
from taolun.projections.campaigns.assessment import FRAME_FIELDS, Frame, frame_of
from taolun.projections.campaigns.batch import CHUNK
from taolun.projections.jsonable import number
from taolun.projections.models import ActivityRow, PlanRow, ProblemRow, ProgressRow, SuggestionRow
from taolun.tenants import paths

# The parts of a node's own figures that can go stale.
ALL_PARTS = frozenset({"plan", "activities", "suggestions", "problems"})


def compute_own(campaign_id: UUID, work: dict[UUID, tuple[ProgressRow, Any]],
                frames: dict[UUID, Frame] | None = None) -> None:
    """Set ``row.own`` for each node from its detail rows (the ``parts`` that changed):
    one query per detail table for all of them. ``frames``: given, it is handed the
    campaign's frame when its row is read with the governing plans (see there)."""
    def nodes(*names: str) -> list[UUID]:
        return [n for n, (_, parts) in work.items() if any(p in parts for p in names)]

    act_nodes = nodes("activities", "reqs")
    tallies = activity_tallies(campaign_id, nodes("activities"))
    suggs = grouped(SuggestionRow.objects.filter(campaign_id=campaign_id), nodes("suggestions"),
                    "status", "answer")
    probs = grouped(ProblemRow.objects.filter(campaign_id=campaign_id), nodes("problems"),
                    "status", "deadline", "reopened")
    governing = governing_plans(campaign_id, [work[n][0].path for n in act_nodes], frames)
    plans = {n: governing(work[n][0].path) for n in act_nodes}
    facts = requirement_facts(campaign_id, {n: plans[n] for n in act_nodes if work[n][0].obliged})
    for n, (row, parts) in work.items():
        own = {**figures.empty(), **row.own}
        if "plan" in parts:
            has = row.plan_id is not None
            own["plans_expected"] = int(row.expected or has)
            own["plans"] = {row.plan_status: 1} if (row.expected or has) and row.plan_status else {}
            own["plans_upstream_changed"] = int(has and row.upstream_changed)
        if n in plans:
            row.governing_plan_id = plans[n]["id"]
            activity_figures(row, own, tallies.get(n), facts.get(n, []), plans[n]["released"])
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


def governing_plans(campaign_id: UUID, unit_paths: list[str], frames: dict[UUID, Frame] | None = None):
    """``path -> plan``: the nearest released plan of the campaign at or above the unit at
    ``path`` (itself included) — one rule however the unit got there (derived, moved,
    registered later, published to chosen units). Only the plans on the given paths' chains
    are read. The campaign's own row is on every chain: once released, its frame comes with
    it into ``frames`` (the roll-up then needs no query of its own for it)."""
    chains: set[str] = set()
    for path in unit_paths:
        chains.update(paths.prefixes(path))
    plans: dict[str, dict] = {}
    found = PlanRow.objects.filter(campaign_id=campaign_id, released_version__gt=0)
    chosen = sorted(chains)
    for i in range(0, len(chosen), CHUNK):
        for p in found.filter(path__in=chosen[i:i + CHUNK]).values("id", "path", "kind", "released", *FRAME_FIELDS):
            plans[p["path"]] = p  # a unit holds one plan per campaign (the campaign's: the campaign)
            if frames is not None and p["id"] == campaign_id:
                frames[campaign_id] = frame_of(p)

    def nearest(path: str) -> dict:
        for prefix in reversed(paths.prefixes(path)):
            plan = plans.get(prefix)
            if plan is not None:
                return plan
        raise LookupError(f"no released plan above {path}")

    return nearest


def activity_tallies(campaign_id: UUID, node_ids: list[UUID]) -> dict[UUID, list[dict]]:
    """The counted activities of ``node_ids`` summed in the database by (status, kind, phase,
    day): a node's figures need the sums, not its rows (a busy branch has hundreds, and
    reading and converting them one by one was most of a live write's roll-up). Plain SQL:
    the ORM compiling this grouped query cost more than running it."""
    out: dict[UUID, list[dict]] = {n: [] for n in node_ids}
    uuid_field = ActivityRow._meta.get_field("node_id")
    for i in range(0, len(node_ids), CHUNK):
        chunk = node_ids[i:i + CHUNK]
        as_stored = {uuid_field.get_db_prep_value(n, connection): n for n in chunk}
        with connection.cursor() as cursor:
            cursor.execute(_tallies_sql(len(chunk)),
                           [uuid_field.get_db_prep_value(campaign_id, connection), *as_stored])
            for node, status, kind, phase_id, day, n, people, hours_x100 in cursor.fetchall():
                out[as_stored[node]].append({"status": status, "kind": kind, "phase_id": phase_id, "day": day,
                                             "n": n, "people": people or 0, "hours_x100": hours_x100 or 0})
    return out


def _tallies_sql(nodes: int) -> str:
    q = connection.ops.quote_name
    # Hours are kept in hundredths (exact sums): each row's hours (two decimals) times 100.
    return (
        f"SELECT {q('node_id')}, {q('status')}, {q('kind')}, {q('phase_id')}, SUBSTR({q('start')}, 1, 10),"
        f" COUNT(*), SUM({q('participants')}), SUM(CAST(ROUND({q('hours')} * 100) AS INTEGER))"
        f" FROM {q(ActivityRow._meta.db_table)}"
        f" WHERE {q('campaign_id')} = %s AND {q('node_id')} IN ({', '.join(['%s'] * nodes)})"
        f" AND {q('status')} IN ('logged', 'returned')"
        " GROUP BY 1, 2, 3, 4, 5"
    )


def requirement_facts(campaign_id: UUID, plans: dict[UUID, dict]) -> dict[UUID, list[dict]]:
    """The activities the per-unit requirements of these nodes' plans can count: logged ones
    of a required kind (any other counts towards none, so leaving it out changes nothing)."""
    kinds = {req["kind"] for plan in plans.values() for req in (plan["released"].get("requirements") or {}).values()}
    if not kinds:
        return {}
    rows = ActivityRow.objects.filter(campaign_id=campaign_id, status="logged", kind__in=sorted(kinds))
    return grouped(rows, list(plans), "kind", "start", "end", "hours", "phase_id", "status",
                   leaders=KeyTransform("leaders", "data"))


def grouped(rows, node_ids: list[UUID], *fields: str, **expressions: Any) -> dict[UUID, list[dict]]:
    """The detail rows of ``node_ids`` by node (every node present, maybe with none)."""
    out: dict[UUID, list[dict]] = {n: [] for n in node_ids}
    for i in range(0, len(node_ids), CHUNK):
        for r in rows.filter(node_id__in=node_ids[i:i + CHUNK]).values("node_id", *fields, **expressions):
            out[r.pop("node_id")].append(r)
    return out


def activity_figures(row: ProgressRow, own: dict, tallies: list[dict] | None, facts: list[dict],
                     plan: dict) -> None:
    """Activity figures keep each entry's date (an activity counts from its date: one dated
    in the future is planned, not done — read time sums the dated histograms up to today).
    ``tallies``: :func:`activity_tallies` of the node when its activities changed (``None``:
    only its requirements did); ``facts``: :func:`requirement_facts` of the node."""
    if tallies is not None:
        counted = [t for t in tallies if t["status"] == "logged"]
        own["activities"] = sum(t["n"] for t in counted)
        own["activities_returned"] = sum(t["n"] for t in tallies if t["status"] == "returned")
        own["participants"] = sum(t["people"] for t in counted)
        own["hours_x100"] = sum(t["hours_x100"] for t in counted)
        by_kind: dict[str, int] = defaultdict(int)
        by_phase: dict[str, int] = defaultdict(int)
        days: dict[str, int] = defaultdict(int)
        day_participants: dict[str, int] = defaultdict(int)
        day_hours: dict[str, int] = defaultdict(int)
        for t in counted:
            on = t["day"]
            by_kind[t["kind"]] += t["n"]
            by_phase[t["phase_id"] or "none"] += t["n"]
            days[on] += t["n"]
            day_participants[on] += t["people"]
            day_hours[on] += t["hours_x100"]
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
    facts = [{**a, "leaders": a["leaders"] or []} for a in facts]
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
