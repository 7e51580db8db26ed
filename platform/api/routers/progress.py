"""Progress of a campaign down the tree: one node with its children, and filtered lists.

Indexed queries only: the campaign's window (primary key), then the node's row
with its children's rows (``(campaign_id, node_id)`` or ``(campaign_id, parent_id)``), or a
page of a subtree (``(campaign_id, light, path)``); access is checked on the row's path. The
answer is built from the rows and serialised once (no schema re-validation of a large dict).
Days left, what has been done by today (an activity counts from its date), pace, overdue and
soon-due rectifications, days silent and the light are computed at read time from stored
dates with today's date in the configured zone (Asia/Shanghai). A node with measured units
below is lit by their shares (see docs/progress.md).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import json

from django.db.models import Count
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from taolun.events.campaigns.lights import LIGHTS, MEASURED_KINDS
from taolun.events.campaigns.plan_status import UPSTREAM_CHANGED
from taolun.events.values import MAX_INT
from taolun.platform.api.access import principal
from taolun.platform.api.errors import not_found
from taolun.platform.api.routers.campaigns import access_plan, expected_version
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.schemas import Error, Versioned
from taolun.projections import progress as figures
from taolun.projections.campaigns import FRAME_FIELDS, campaign_frame, frame_of, node_light, time_zone
from taolun.projections.models import PlanRow, ProgressRow
from taolun.tenants import paths

router = Router(tags=["progress 进度"])


class SettingsIn(Versioned):
    """Light thresholds of a campaign (omitted ones keep their value; defaults in docs/progress.md)."""

    silent_days: int | None = None
    pace_tolerance: int | None = None
    red_share: int | None = None
    yellow_share: int | None = None
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}

FIELDS = ("node_id", "parent_id", "kind", "name", "depth", "plan_id", "plan_status", "upstream_changed", "expected",
          "obliged", "own", "total", "path", "light", "silent")


def row_out(row: dict, frame, on, units: dict[str, int] | None = None,
            with_requirements: bool = False) -> dict:
    """One node's figures as of ``on``. ``units``: the lights of the measured units below it
    (its light is then made of their shares); without, the node's light is its own."""
    total = row["total"]
    window, settings = frame
    assessed = figures.assess(total, window=window, on=on, settings=settings)
    light = assessed["light"]
    if units:
        light = node_light(row["kind"], row["own"], units, frame, on)
    out = {
        "node_id": str(row["node_id"]), "name": row["name"], "kind": row["kind"],
        "plan_id": str(row["plan_id"]) if row["plan_id"] else None,
        "plan_status": row["plan_status"] or None,
        "upstream_changed": row["upstream_changed"],
        "plans": total.get("plans") or {},
        "plans_upstream_changed": total.get("plans_upstream_changed", 0),
        "activities": assessed["activities"],
        "activities_planned": assessed["activities_planned"],
        "activities_returned": total.get("activities_returned", 0),
        "by_kind": total.get("by_kind") or {}, "by_phase": total.get("by_phase") or {},
        "participants": assessed["participants"],
        "hours": assessed["hours_x100"] / 100,
        "requirements": {"met": assessed["req_met"], "total": total.get("req_total", 0),
                         "units": total.get("obliged_units", 0),
                         "text": figures.compliance_text(assessed["req_met"], total.get("req_total", 0),
                                                         assessed["days_left"])},
        "pace": {"expected_pct": assessed["expected_pct"], "behind": assessed["behind"]},
        "suggestions": {"total": total.get("suggestions", 0),
                        "adopted": total.get("suggestions_adopted", 0),
                        "answered": total.get("suggestions_answered", 0)},
        "problems": {"total": total.get("problems", 0), "open": assessed["problems_open"],
                     "completed": total.get("problems_completed", 0),
                     "closed": total.get("problems_closed", 0),
                     "red": assessed["problems_overdue"], "blue": assessed["problems_due_soon"],
                     "yellow": assessed["problems_reopened"]},
        **{k: assessed[k] for k in ("days_left", "last_activity", "silent_days", "silent", "score")},
        "light": light,
        # A node with measured units below: their lights, and its silence as the share of them
        # that are silent (``…/units?silent=true`` lists them).
        "units_lights": {k: units[k] for k in LIGHTS} if units else None,
        "silent_units": units["silent"] if units else None,
        "silent_share": round(units["silent"] / sum(units[k] for k in LIGHTS), 3) if units else None,
    }
    if with_requirements:
        out["own_requirements"] = [
            {**r, "met": figures.met_on(r.get("met_on"), on)} for r in row["own"].get("requirements", [])]
    return out


def _frame(campaign_id: UUID):
    row = PlanRow.objects.filter(pk=campaign_id, kind="campaign").values(*FRAME_FIELDS).first()
    if row is None:
        raise not_found("进度")  # the same words as an invisible node: no oracle on campaign ids
    return frame_of(row)


def _json(body: dict) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        content_type="application/json")


UNIT_KEYS = (*LIGHTS, "silent")


def _unit_lights(campaign_id: UUID, path: str) -> dict[str, dict[str, int]]:
    """The stored lights (and silence) of the measured units below ``path``, counted per
    child of it (by the child's path): one grouped query on the (campaign, kind, light, path)
    index."""
    child = Substr("path", 1, paths.child_path_length(path))
    counts: dict[str, dict[str, int]] = {}
    for r in (ProgressRow.objects.filter(campaign_id=campaign_id, kind__in=MEASURED_KINDS,
                                         path__startswith=path, path__gt=path)
              .annotate(child=child).values("child", "light", "silent").annotate(n=Count("id"))):
        units = counts.setdefault(r["child"], dict.fromkeys(UNIT_KEYS, 0))
        units[r["light"]] += r["n"]
        units["silent"] += r["n"] if r["silent"] else 0
    return counts


def _below(counts: dict[str, dict[str, int]], row: dict) -> dict[str, int]:
    """The lights (and silence) of the measured units strictly below a child row."""
    units = dict(counts.get(row["path"]) or dict.fromkeys(UNIT_KEYS, 0))
    if row["kind"] in MEASURED_KINDS:  # the child itself was counted under its path
        units[row["light"]] -= 1
        units["silent"] -= int(row["silent"])
    return units if any(units[k] for k in LIGHTS) else {}


@router.get("/campaigns/{campaign_id}/progress/{node_id}", response={200: dict, **ERRORS})
def node_progress(request: HttpRequest, campaign_id: UUID, node_id: UUID):
    """A node's figures (its whole subtree) with each child's figures, and the share of
    children that are green. A node with measured units below (branches, offices) is lit by
    their shares; the counts use their stored lights (refreshed daily by the scheduler)."""
    frame = _frame(campaign_id)
    # Two lookups, each on its own index (an OR of the two makes SQLite scan the campaign).
    own = ProgressRow.objects.filter(campaign_id=campaign_id, node_id=node_id).values(*FIELDS).first()
    if own is None or not principal(request).sees(own["path"]):
        raise not_found("进度")  # a unit outside the caller's grants answers like a missing one
    return _json(node_figures(campaign_id, own, frame, figures.today(time_zone())))


def node_figures(campaign_id: UUID, own: dict, frame, on) -> dict:
    """A node's row (values of ``FIELDS``) with its children's, as of ``on``."""
    counts = _unit_lights(campaign_id, own["path"])
    rows = sorted(ProgressRow.objects.filter(campaign_id=campaign_id, parent_id=own["node_id"]).values(*FIELDS),
                  key=lambda r: (r["kind"], r["name"]))
    children = [row_out(r, frame, on, _below(counts, r)) for r in rows]
    mine = {k: sum(c[k] for c in counts.values()) for k in UNIT_KEYS}
    out = row_out(own, frame, on, mine if any(mine.values()) else None, with_requirements=True)
    window = frame[0]
    out["today"] = on.isoformat()
    out["window"] = list(window) if window else None
    out["settings"] = frame[1]
    out["children_green_share"] = (
        round(sum(1 for c in children if c["light"] == "green") / len(children), 3) if children else None
    )
    out["children_lights"] = {k: sum(1 for c in children if c["light"] == k) for k in LIGHTS}
    out["children"] = children
    return out


@router.get("/campaigns/{campaign_id}/progress/{node_id}/units", response={200: dict, **ERRORS})
def list_units(
    request: HttpRequest, campaign_id: UUID, node_id: UUID,
    kind: Literal["bureau", "school", "branch", "office"] | None = None,
    light: Literal["green", "yellow", "red"] | None = None,
    plan_status: str | None = Query(None, description="e.g. not_derived, submitted, returned, approved, upstream_changed"),
    without_approved_plan: bool = False,
    silent: bool | None = Query(None, description="measured units silent as last assessed"),
    sort: Literal["name", "score", "-score", "path"] = "path",
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_INT),
):
    """Units below a node, filtered and sorted (e.g. schools without an approved plan:
    ``kind=school&without_approved_plan=true``; red branches: ``kind=branch&light=red``).
    ``light`` filters on the stored light (refreshed by the scheduler under the projection's
    lock); the answer shows the light as of today."""
    frame = _frame(campaign_id)
    node = ProgressRow.objects.filter(campaign_id=campaign_id, node_id=node_id).values("path").first()
    if node is None or not principal(request).sees(node["path"]):
        raise not_found("进度")
    # Below the node: its prefix, minus the node itself (path > prefix keeps the filter on
    # the (campaign, kind, light, path) index, so the count never reads the rows).
    rows = ProgressRow.objects.filter(
        campaign_id=campaign_id, path__startswith=node["path"], path__gt=node["path"]
    )
    if kind:
        rows = rows.filter(kind=kind)
    if light:
        rows = rows.filter(light=light)
    if plan_status == UPSTREAM_CHANGED:  # a flag beside the status, still filterable
        rows = rows.filter(upstream_changed=True)
    elif plan_status:
        rows = rows.filter(plan_status=plan_status)
    if silent is not None:
        rows = rows.filter(silent=silent)
    if without_approved_plan:
        rows = rows.filter(expected=True).exclude(plan_status="approved")
    order = {"score": ["score", "path"], "-score": ["-score", "path"], "name": ["name", "path"],
             "path": ["path"]}[sort]
    page = list(rows.order_by(*order).values(*FIELDS)[offset:offset + limit])
    # A short page tells the count without a second pass over the subtree.
    count = offset + len(page) if (page or offset == 0) and len(page) < limit else rows.count()
    on = figures.today(time_zone())
    # A listed node with units below shows its stored light (refreshed by the scheduler),
    # the one the ``light`` filter used; a measured unit's light is computed for today.
    items = []
    for r in page:
        item = row_out(r, frame, on)
        if r["kind"] not in MEASURED_KINDS and r["total"].get("obliged_units"):
            item["light"] = r["light"]
        items.append(item)
    return _json({"count": count, "items": items})


@router.put("/campaigns/{campaign_id}/progress-settings", response={200: dict, **ERRORS})
def set_settings(request: HttpRequest, campaign_id: UUID, payload: SettingsIn):
    """A campaign's light thresholds, set by an admin of the campaign's unit."""
    row = access_plan(request, campaign_id, "admin")
    if row.kind != "campaign":
        raise not_found("方案")  # a derived plan has no settings: answer as access_plan does
    ev = expected_version(request, payload)
    changes = payload.dict(exclude_none=True, exclude={"expected_version"})
    run_command(request, lambda rt: rt.campaigns.set_progress_settings(
        campaign_id, actor(request), expected_version=ev, **changes))
    return _json({"settings": campaign_frame(campaign_id)[1]})
