"""Progress of a campaign down the tree: one node with its children, and filtered lists.

Indexed queries only: the campaign's window (primary key), then the node's row
with its children's rows (``(campaign_id, node_id)`` or ``(campaign_id, parent_id)``), or a
page of a subtree (``(campaign_id, light, path)``); access is checked on the row's path. The
answer is built from the rows and serialised once (no schema re-validation of a large dict),
and cached by the campaigns projection's position with an ETag (platform/api/read_cache.py).
Days left, what has been done by today (an activity counts from its date), pace, overdue and
soon-due rectifications, days silent and the light are computed at read time from stored
dates with today's date in the configured zone (Asia/Shanghai). A node with measured units
below is lit by their shares (see docs/progress.md).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router

from taolun.events.campaigns.lights import LIGHTS
from taolun.events.campaigns.rules import PROGRESS_SETTINGS
from taolun.platform.api.access import access_plan, principal
from taolun.platform.api.errors import not_found
from taolun.platform.api.listing import BoundedPagination
from taolun.platform.api.routers.campaigns import expected_version
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.outputs import NodeProgressOut, ProgressSettingsOut, UnitsPageOut
from taolun.platform.api.read_cache import cached_json, encode
from taolun.platform.api.schemas import ERRORS, KindName, Versioned
from taolun.platform.api.time_travel import AS_OF, FROM, TO, in_view, moment, stamped
from taolun.projections.as_of import diffs, moments
from taolun.projections import progress as figures
from taolun.projections.campaigns import NAME as CAMPAIGNS  # the reads' projection (cache key)
from taolun.projections.campaigns import campaign_frame, time_zone
from taolun.projections.progress_read import (
    campaign_frame_or_none, node_figures, node_row, units_below,
)

router = Router(tags=["progress 进度"])


def _threshold(name: str):
    low, high = PROGRESS_SETTINGS[name]  # the domain's ranges, shown in the OpenAPI
    return Field(default=None, ge=low, le=high)


class SettingsIn(Versioned):
    """Light thresholds of a campaign (omitted ones keep their value; defaults in docs/progress.md)."""

    silent_days: int | None = _threshold("silent_days")
    pace_tolerance: int | None = _threshold("pace_tolerance")
    red_share: int | None = _threshold("red_share")
    yellow_share: int | None = _threshold("yellow_share")
    remind_lead_days: int | None = _threshold("remind_lead_days")
    remind_yellow_days: int | None = _threshold("remind_yellow_days")
    remind_blue_every: int | None = _threshold("remind_blue_every")
    remind_yellow_every: int | None = _threshold("remind_yellow_every")
    remind_red_every: int | None = _threshold("remind_red_every")
    remind_silent_every: int | None = _threshold("remind_silent_every")
    # each deadline rule on (1, default) or off (0)
    remind_derive_deadline: int | None = _threshold("remind_derive_deadline")
    remind_phase_begins: int | None = _threshold("remind_phase_begins")
    remind_phase_ends: int | None = _threshold("remind_phase_ends")
    remind_task_due: int | None = _threshold("remind_task_due")
    remind_rectification_due: int | None = _threshold("remind_rectification_due")
    remind_requirement_behind: int | None = _threshold("remind_requirement_behind")
    remind_branch_silent: int | None = _threshold("remind_branch_silent")


def _frame(campaign_id: UUID):
    frame = campaign_frame_or_none(campaign_id)
    if frame is None:
        raise not_found("进度")  # the same words as an invisible node: no oracle on campaign ids
    return frame


def _json(body: dict) -> HttpResponse:
    return HttpResponse(encode(body), content_type="application/json")


def _visible_row(request: HttpRequest, campaign_id: UUID, node_id: UUID) -> dict:
    own = node_row(campaign_id, node_id)
    if own is None or not principal(request).sees(own["path"]):
        raise not_found("进度")  # a unit outside the caller's grants answers like a missing one
    return own


def _progress_then(request: HttpRequest, campaign_id: UUID, node_id: UUID, when) -> tuple[int, dict | None]:
    """The node's progress answer as the views stood at ``when`` (``None``: not there
    then, or outside the caller's grants)."""
    who = principal(request)

    def read() -> dict | None:
        frame, own = campaign_frame_or_none(campaign_id), node_row(campaign_id, node_id)
        if frame is None or own is None or not who.sees(own["path"]):
            return None
        return node_figures(campaign_id, own, frame, moments.day_of(when))

    return in_view(when, read)


@router.get("/campaigns/{campaign_id}/progress/{node_id}", response={200: NodeProgressOut, **ERRORS}, summary="单位进度（含各下级单位的数字与灯色）", operation_id="read_node_progress")
def node_progress(request: HttpRequest, campaign_id: UUID, node_id: UUID,
                  as_of: str | None = Query(None, description=AS_OF)):
    """A node's figures (its whole subtree) with each child's figures, and the share of
    children that are green. A node with measured units below (branches, offices) is lit by
    their shares; the counts use their stored lights (refreshed daily by the scheduler).
    With ``as_of``: the same answer from the log replayed up to that moment (not cached)."""
    when = moment(as_of)
    if when is None:
        today = figures.today(time_zone())

        def build() -> dict:
            frame = _frame(campaign_id)
            # Two lookups, each on its own index (an OR of the two makes SQLite scan the campaign).
            own = _visible_row(request, campaign_id, node_id)
            return node_figures(campaign_id, own, frame, today)

        return cached_json(request, CAMPAIGNS, "node_progress", (campaign_id, node_id, today), build)
    _frame(campaign_id)
    _visible_row(request, campaign_id, node_id)
    position, body = _progress_then(request, campaign_id, node_id, when)
    if body is None:
        raise not_found("进度")
    return _json(stamped(body, when, position))


@router.get("/campaigns/{campaign_id}/progress/{node_id}/changes", response={200: dict, **ERRORS}, summary="两个时刻之间进度数字与灯色的变化", operation_id="read_progress_changes")
def progress_changes(request: HttpRequest, campaign_id: UUID, node_id: UUID,
                     start: str = Query(..., alias="from", description=FROM),
                     end: str = Query(..., alias="to", description=TO)):
    """Every figure and light of the node and of its children that differs between the two
    moments (each answered from the log replayed up to it)."""
    _frame(campaign_id)
    _visible_row(request, campaign_id, node_id)
    a, b = moments.parse_range(start, end)
    pa, old = _progress_then(request, campaign_id, node_id, a)
    pb, new = _progress_then(request, campaign_id, node_id, b)
    if old is None and new is None:
        raise not_found("进度")
    return _json({**diffs.moments_out(a, b, (pa, pb)), **diffs.progress_changes(old, new)})


@router.get("/campaigns/{campaign_id}/progress/{node_id}/units", response={200: UnitsPageOut, **ERRORS}, summary="筛选、排序下级单位的进度", operation_id="list_progress_units")
def list_units(
    request: HttpRequest, campaign_id: UUID, node_id: UUID, pagination: Query[BoundedPagination.Input],
    kind: KindName | None = None,
    light: Literal[LIGHTS] | None = None,
    plan_status: str | None = Query(None, description="e.g. not_derived, submitted, returned, approved, upstream_changed"),
    without_approved_plan: bool = False,
    silent: bool | None = Query(None, description="measured units silent as last assessed"),
    sort: Literal["name", "score", "-score", "path"] = "path",
    as_of: str | None = Query(None, description=AS_OF),
):
    """Units below a node, filtered and sorted (e.g. schools without an approved plan:
    ``kind=school&without_approved_plan=true``; red branches: ``kind=branch&light=red``).
    ``light`` filters on the stored light (refreshed by the scheduler under the projection's
    lock); the answer shows the light as of today. With ``as_of``: the same list from the
    log replayed up to that moment, lights stored and shown as of that day (not cached)."""
    filters = dict(kind=kind, light=light, plan_status=plan_status, silent=silent,
                   without_approved_plan=without_approved_plan, sort=sort,
                   limit=pagination.limit, offset=pagination.offset)

    def read(node: dict | None, frame, on) -> dict | None:
        if node is None or frame is None:
            return None
        count, items = units_below(campaign_id, node["path"], frame, on, **filters)
        return {"count": count, "items": items}

    when = moment(as_of)
    if when is None:
        today = figures.today(time_zone())

        def build() -> dict:
            frame = _frame(campaign_id)
            return read(_visible_row(request, campaign_id, node_id), frame, today)

        params = (campaign_id, node_id, today, *sorted(filters.items()))
        return cached_json(request, CAMPAIGNS, "list_progress_units", params, build)
    _frame(campaign_id)
    _visible_row(request, campaign_id, node_id)
    who = principal(request)

    def read_then() -> dict | None:
        then = node_row(campaign_id, node_id)
        visible = then if then is not None and who.sees(then["path"]) else None
        return read(visible, campaign_frame_or_none(campaign_id), moments.day_of(when))

    position, body = in_view(when, read_then)
    if body is None:
        raise not_found("进度")
    return _json(stamped(body, when, position))


@router.put("/campaigns/{campaign_id}/progress-settings", response={200: ProgressSettingsOut, **ERRORS}, summary="设置活动的灯色阈值", operation_id="set_progress_settings")
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
