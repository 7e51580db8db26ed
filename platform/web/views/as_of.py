"""Time travel on the pages: the as-of picker's moment, the past state of the progress
dashboard, the ledger lists and a plan, and the plan-diff page (docs/audit.md, "Time
travel"). The same queries as the live pages, run over the views replayed up to the moment
(``taolun.platform.api.time_travel``); access is checked on today's grants first."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from taolun.platform.api.access import access_own_plan
from taolun.platform.api.time_travel import history, in_view, user_names
from taolun.platform.runtime import get_runtime
from taolun.platform.web import labels
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections.as_of import aggregates, diffs, moments
from taolun.projections.models import OrgNode


def page_moment(request: HttpRequest, name: str = "as_of") -> datetime | None:
    """The picker's moment (empty: now); a bad one raises, and the page shows its message."""
    raw = request.GET.get(name, "").strip()
    return moments.parse(raw, name) if raw else None


def moment_context(when: datetime | None, position: int | None = None) -> dict[str, Any]:
    """What the picker and the banner show (the input's value is local, to the second)."""
    if when is None:
        return {"as_of": None}
    local = when.astimezone(moments.zone())
    return {"as_of": moments.shown(when), "as_of_value": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "as_of_shown": local.strftime("%Y-%m-%d %H:%M:%S"), "as_of_position": position}


def rows_then(when: datetime, model: type, path_of_node: UUID, order: tuple[str, ...]) -> tuple[int, list]:
    """The rows of ``model`` in a node's subtree as they stood at ``when`` (model
    instances, read in the scratch; nothing is fetched from them later)."""
    def read() -> list:
        node = OrgNode.objects.filter(pk=path_of_node).first()
        return [] if node is None else list(model.objects.filter(path__under=node.path).order_by(*order))

    return in_view(when, read)


@signed_in
@pages_errors
def plan_changes(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """Two pickers (from, to) and what changed in the plan between them: items added,
    removed and changed, each with who changed it and when."""
    row = access_own_plan(request, plan_id)
    campaigns = get_runtime().campaigns
    changes = history(campaigns, plan_id, "方案")
    start, end = page_moment(request, "from"), page_moment(request, "to")
    result = None
    if start is not None and end is not None:
        start, end = moments.parse_range(request.GET["from"], request.GET["to"])
        old, new = aggregates.version_at(changes, start), aggregates.version_at(changes, end)
        result = diffs.plan_changes(
            campaigns.get_plan(plan_id, old) if old else None,
            campaigns.get_plan(plan_id, new) if new else None, changes, old, new, user_names)
    first = changes[0].at.astimezone(moments.zone())
    return render(request, "as_of/plan_changes.html", {
        "row": row, "plan": campaigns.get_plan(plan_id), "result": result,
        "from_value": moment_context(start).get("as_of_value") or first.strftime("%Y-%m-%dT%H:%M:%S"),
        "to_value": moment_context(end).get("as_of_value") or moments.now().strftime("%Y-%m-%dT%H:%M:%S"),
        "from_shown": moment_context(start).get("as_of_shown"), "to_shown": moment_context(end).get("as_of_shown"),
        "section_names": labels.SECTIONS, "change_names": labels.CHANGES,
        "field_names": FIELD_NAMES, "item_name": item_name,
    })


FIELD_NAMES = {"header": _("方案标题等基本信息"), "leading_group": _("领导小组"), "status": _("方案状态")}


def item_name(item: dict) -> str:
    return str(item.get("title") or item.get("name") or item.get("description") or item.get("kind") or item.get("id"))
