"""Filtered, sorted lists of the units below a dashboard's node: schools without an
approved plan, red units, units that have not taken the latest release. The same query as
the API's progress lists (``projections.progress_read.units_below``); names, never ids."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_noop as N_

from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import PlanRow
from taolun.projections.progress_read import campaign_frame_or_none, node_row, units_below

PAGE_SIZE = 50
# list name -> (title msgid, units_below filters)
LISTS: dict[str, tuple[str, dict]] = {
    "without_approved": (N_("没有已批准方案的学校"), {"kind": "school", "without_approved_plan": True}),
    "red": (N_("红灯单位"), {"light": "red"}),
    "not_taken": (N_("未采用最新修订的单位"), {"plan_status": "upstream_changed"}),
}
SORTS = ("path", "name", "score", "-score")


@signed_in
@pages_errors
def unit_list(request: HttpRequest, campaign_id: UUID, node_id: UUID, name: str) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    frame = campaign_frame_or_none(campaign_id)
    own = node_row(campaign_id, node_id) if frame else None
    if own is None or not who.sees(own["path"]) or name not in LISTS:
        return not_found_page(request)  # missing or outside the grants: the same page
    title, filters = LISTS[name]
    sort = request.GET.get("sort", "path")
    sort = sort if sort in SORTS else "path"
    number = _page_number(request)
    on = figures.today(time_zone())
    count, items = units_below(campaign_id, own["path"], frame, on, sort=sort, limit=PAGE_SIZE,
                               offset=(number - 1) * PAGE_SIZE, **filters)
    campaign = PlanRow.objects.values("id", "title").get(pk=campaign_id)
    return render(request, "bureau/unit_list.html", {
        "campaign": campaign, "node": own, "list_name": name, "list_title": title, "lists": LISTS,
        "items": items, "count": count, "sort": sort, "number": number,
        "pages": max(1, -(-count // PAGE_SIZE)),
    })


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100000 else 1
