"""Progress of a campaign down the tree: one node with its children, and filtered lists.

Indexed queries only: the campaign's window (primary key), then the node's row
with its children's rows (``(campaign_id, node_id)`` or ``(campaign_id, parent_id)``), or a
page of a subtree (``(campaign_id, light, path)``); access is checked on the row's path. The
answer is built from the rows and serialised once (no schema re-validation of a large dict).
Days left, overdue and soon-due rectifications, days silent and the light are computed at
read time from stored dates with today's date in the configured zone (Asia/Shanghai).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import json

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from taolun.events.values import MAX_INT
from taolun.platform.api.access import principal
from taolun.platform.api.errors import not_found
from taolun.platform.api.schemas import Error
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import PlanRow, ProgressRow

router = Router(tags=["progress 进度"])
ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}

FIELDS = ("node_id", "parent_id", "kind", "name", "depth", "plan_id", "plan_status", "expected",
          "obliged", "own", "total")


def row_out(row: dict, window, on, with_requirements: bool = False) -> dict:
    total = row["total"]
    assessed = figures.assess(total, window=window, on=on)
    out = {
        "node_id": str(row["node_id"]), "name": row["name"], "kind": row["kind"],
        "plan_id": str(row["plan_id"]) if row["plan_id"] else None,
        "plan_status": row["plan_status"] or None,
        "plans": total.get("plans") or {},
        "activities": total.get("activities", 0),
        "activities_returned": total.get("activities_returned", 0),
        "by_kind": total.get("by_kind") or {}, "by_phase": total.get("by_phase") or {},
        "participants": total.get("participants", 0),
        "hours": total.get("hours_x100", 0) / 100,
        "requirements": {"met": total.get("req_met", 0), "total": total.get("req_total", 0),
                         "units": total.get("obliged_units", 0),
                         "text": figures.compliance_text(total, assessed["days_left"])},
        "suggestions": {"total": total.get("suggestions", 0),
                        "adopted": total.get("suggestions_adopted", 0),
                        "answered": total.get("suggestions_answered", 0)},
        "problems": {"total": total.get("problems", 0), "open": assessed["problems_open"],
                     "completed": total.get("problems_completed", 0),
                     "closed": total.get("problems_closed", 0),
                     "red": assessed["problems_overdue"], "blue": assessed["problems_due_soon"],
                     "yellow": total.get("problems_reopened", 0)},
        **{k: assessed[k] for k in ("days_left", "last_activity", "silent_days", "silent", "score", "light")},
    }
    if with_requirements:
        out["own_requirements"] = row["own"].get("requirements", [])
    return out


def _window(campaign_id: UUID) -> tuple[str, str] | None:
    row = PlanRow.objects.filter(pk=campaign_id, kind="campaign").values("window_start", "window_end").first()
    if row is None:  # the same words as an invisible node: no oracle on campaign ids
        raise not_found("进度")
    return (row["window_start"], row["window_end"]) if row["window_start"] else None


def _json(body: dict) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        content_type="application/json")


@router.get("/campaigns/{campaign_id}/progress/{node_id}", response={200: dict, **ERRORS})
def node_progress(request: HttpRequest, campaign_id: UUID, node_id: UUID):
    """A node's figures (its whole subtree) with each child's figures, and the share of
    children that are green."""
    # Two lookups, each on its own index (an OR of the two makes SQLite scan the campaign).
    rows_of = ProgressRow.objects.filter(campaign_id=campaign_id)
    own = rows_of.filter(node_id=node_id).values(*FIELDS, "path").first()
    if own is None or not principal(request).sees(own["path"]):
        raise not_found("进度")  # a unit outside the caller's grants answers like a missing one
    window = _window(campaign_id)
    on = figures.today(time_zone())
    rows = sorted(rows_of.filter(parent_id=node_id).values(*FIELDS), key=lambda r: (r["kind"], r["name"]))
    children = [row_out(r, window, on) for r in rows]
    out = row_out(own, window, on, with_requirements=True)
    out["today"] = on.isoformat()
    out["window"] = list(window) if window else None
    out["children_green_share"] = (
        round(sum(1 for c in children if c["light"] == "green") / len(children), 3) if children else None
    )
    out["children_lights"] = {k: sum(1 for c in children if c["light"] == k) for k in ("green", "yellow", "red")}
    out["children"] = children
    return _json(out)


@router.get("/campaigns/{campaign_id}/progress/{node_id}/units", response={200: dict, **ERRORS})
def list_units(
    request: HttpRequest, campaign_id: UUID, node_id: UUID,
    kind: Literal["bureau", "school", "branch", "office"] | None = None,
    light: Literal["green", "yellow", "red"] | None = None,
    plan_status: str | None = Query(None, description="e.g. not_derived, submitted, returned, approved, upstream_changed"),
    without_approved_plan: bool = False,
    sort: Literal["name", "score", "-score", "path"] = "path",
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_INT),
):
    """Units below a node, filtered and sorted (e.g. schools without an approved plan:
    ``kind=school&without_approved_plan=true``; red branches: ``kind=branch&light=red``).
    ``light`` filters on the stored light (refreshed by the scheduler under the projection's
    lock); the answer shows the light as of today."""
    node = ProgressRow.objects.filter(campaign_id=campaign_id, node_id=node_id).values("path").first()
    if node is None or not principal(request).sees(node["path"]):
        raise not_found("进度")
    window = _window(campaign_id)
    # Below the node: its prefix, minus the node itself (path > prefix keeps the filter on
    # the (campaign, kind, light, path) index, so the count never reads the rows).
    rows = ProgressRow.objects.filter(
        campaign_id=campaign_id, path__startswith=node["path"], path__gt=node["path"]
    )
    if kind:
        rows = rows.filter(kind=kind)
    if light:
        rows = rows.filter(light=light)
    if plan_status:
        rows = rows.filter(plan_status=plan_status)
    if without_approved_plan:
        rows = rows.filter(expected=True).exclude(plan_status="approved")
    order = {"score": ["score", "path"], "-score": ["-score", "path"], "name": ["name", "path"],
             "path": ["path"]}[sort]
    page = list(rows.order_by(*order).values(*FIELDS)[offset:offset + limit])
    # A short page tells the count without a second pass over the subtree.
    count = offset + len(page) if (page or offset == 0) and len(page) < limit else rows.count()
    on = figures.today(time_zone())
    return _json({"count": count, "items": [row_out(r, window, on) for r in page]})
