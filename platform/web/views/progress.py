"""The progress dashboard: a node's light and figures, its children with lights, the red
and silent lists and a legend. The same read-model queries as the API's progress router
(``taolun.projections.progress_read``); a unit outside the user's grants is the 404 page."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse

from taolun.platform.api.read_cache import cached_value
from taolun.platform.api.time_travel import in_view
from taolun.platform.web.charts import dashboard_charts
from taolun.platform.web.views.as_of import moment_context, page_moment
from taolun.platform.web.render import my_units, not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections import progress as figures
from taolun.projections.as_of import moments
from taolun.projections.campaigns import NAME as CAMPAIGNS  # the figures' projection (cache key)
from taolun.projections.campaigns import time_zone
from taolun.projections.mine import published_campaigns
from taolun.projections.models import OrgNode, PlanRow, ProgressRow
from taolun.projections.progress_read import campaign_frame_or_none, node_figures, node_row, units_below

LIST_LENGTH = 20


@signed_in
@pages_errors
def index(request: HttpRequest) -> HttpResponse:
    """Campaigns reaching the user's units, each with a link per unit (the unit switcher
    narrows it to one unit)."""
    who = request.auth  # type: ignore[attr-defined]
    units = my_units(who)
    chosen = request.GET.get("unit", "")
    if chosen:
        units = [u for u in units if str(u["id"]) == chosen]
    campaigns = []
    for c in published_campaigns(p for p, _ in who.grants):
        present = set(ProgressRow.objects.filter(campaign_id=c.id, node_id__in=[u["id"] for u in units])
                      .values_list("node_id", flat=True))
        reach = [u for u in units if u["id"] in present]
        if reach:
            campaigns.append({"id": c.id, "title": c.title, "window_start": c.window_start,
                              "window_end": c.window_end, "units": reach})
    return render(request, "progress_index.html", {"campaigns": campaigns})


@signed_in
@pages_errors
def dashboard(request: HttpRequest, campaign_id: UUID, node_id: UUID) -> HttpResponse:
    """The dashboard now, or with the picker's ``?as_of=`` as it stood then (the same
    queries over the log replayed up to that moment)."""
    who = request.auth  # type: ignore[attr-defined]
    frame = campaign_frame_or_none(campaign_id)
    own = node_row(campaign_id, node_id) if frame else None
    if own is None or not who.sees(own["path"]):
        return not_found_page(request)  # missing or outside the grants: the same page
    when = page_moment(request)
    if when is None:
        # The figures, lists and charts come from the same position-keyed cache as the API's
        # progress reads: they change only when the projection moves.
        today = figures.today(time_zone())
        shown = cached_value(request, CAMPAIGNS, "dashboard", (campaign_id, node_id, today),
                             lambda: _dashboard_figures(campaign_id, node_id, who, today))
        position = None
    else:
        position, shown = in_view(when, lambda: _dashboard_figures(campaign_id, node_id, who, moments.day_of(when)))
        if shown is None:
            return not_found_page(request)
    # The way up, as far as the user sees (for drilling back).
    up = [p for p in _ancestor_paths(own["path"]) if who.sees(p)]
    ancestors = list(OrgNode.objects.filter(path__in=up).order_by("depth").values("id", "name"))
    campaign = PlanRow.objects.values("id", "title").get(pk=campaign_id)
    return render(request, "dashboard.html", {
        "campaign": campaign, "ancestors": ancestors, **shown, **moment_context(when, position)})


def _dashboard_figures(campaign_id: UUID, node_id: UUID, who, on) -> dict | None:
    """The dashboard's figures, lists and charts as of ``on`` (``None``: no such node, or
    not in the user's grants, in the views read)."""
    frame = campaign_frame_or_none(campaign_id)
    own = node_row(campaign_id, node_id) if frame else None
    if own is None or not who.sees(own["path"]):
        return None
    node = node_figures(campaign_id, own, frame, on)
    red_count, red = units_below(campaign_id, own["path"], frame, on, light="red", limit=LIST_LENGTH)
    silent_count, silent = units_below(campaign_id, own["path"], frame, on, silent=True, limit=LIST_LENGTH)
    return {"node": node, "red": red, "red_count": red_count, "silent": silent, "silent_count": silent_count,
            "charts": dashboard_charts(campaign_id, own["path"], node, on)}


def _ancestor_paths(path: str) -> list[str]:
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
