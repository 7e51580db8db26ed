"""Differences between two moments of a plan (the progress one is beside the progress
reads, in routers/progress.py). docs/audit.md, "Time travel"."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router

from taolun.platform.api.access import access_own_plan
from taolun.platform.api.outputs import PlanChangesOut
from taolun.platform.api.schemas import ERRORS
from taolun.platform.api.time_travel import FROM, TO, history, user_names
from taolun.projections.as_of import aggregates, diffs, moments
from taolun.projections.jsonable import jsonable

router = Router(tags=["audit 审计"])


@router.get("/plans/{plan_id}/changes", response={200: PlanChangesOut, **ERRORS}, summary="方案在两个时刻之间的变化（增、删、改及修改人）", operation_id="read_plan_changes")
def plan_changes(request: HttpRequest, plan_id: UUID,
                 start: str = Query(..., alias="from", description=FROM),
                 end: str = Query(..., alias="to", description=TO)):
    """The plan's items added, removed and changed between its states at the two moments,
    each with the events that touched it (who, when), and the events in between. For the
    plan's own units and those above (auditors too); units below read releases only."""
    access_own_plan(request, plan_id)
    a, b = moments.parse_range(start, end)
    from taolun.platform.runtime import get_runtime

    campaigns = get_runtime().campaigns
    changes = history(campaigns, plan_id, "方案")
    old, new = aggregates.version_at(changes, a), aggregates.version_at(changes, b)
    body = diffs.plan_changes(
        campaigns.get_plan(plan_id, old) if old else None,
        campaigns.get_plan(plan_id, new) if new else None,
        changes, old, new, user_names)
    return jsonable({"plan_id": plan_id, "from": moments.shown(a), "to": moments.shown(b), **body})
