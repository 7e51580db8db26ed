"""The caller's work: their to-do list, the campaigns published to their units, the plans
of their subtree. The pages show the same lists (the same read-model queries).

No ``from __future__ import annotations`` here: ``@paginate`` (see platform/api/listing.py)."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from taolun.platform.api.access import principal
from taolun.platform.api.listing import Rows
from taolun.platform.api.outputs import PlanRowOut
from taolun.platform.api.routers.campaigns import plan_row_out
from taolun.platform.api.schemas import ERRORS
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.mine import published_campaigns, subtree_plans
from taolun.projections.todo import todo

router = Router(tags=["me 我的"])


@router.get("/me/todo", response={200: dict, **ERRORS}, summary="我的待办", operation_id="read_my_todo")
def my_todo(request: HttpRequest):
    """What is waiting for me, most urgent first: plans to derive by a deadline, plans to
    review, my plan returned (with reasons), upstream changed, requirements behind,
    rectifications due and activities returned (``days_left`` negative when overdue)."""
    on = figures.today(time_zone())
    items = todo(principal(request).grants, on)
    return {"today": on.isoformat(), "count": len(items), "items": items}


@router.get("/me/campaigns", response={200: list[PlanRowOut], **ERRORS}, summary="下发给我单位的活动",
            operation_id="list_my_campaigns")
@paginate
def my_campaigns(request: HttpRequest):
    """Released campaigns published to my units (or authored in my subtree)."""
    return Rows(published_campaigns(p for p, _ in principal(request).grants), plan_row_out)


@router.get("/me/plans", response={200: list[PlanRowOut], **ERRORS}, summary="我单位及下级单位的方案",
            operation_id="list_my_plans")
@paginate
def my_plans(request: HttpRequest):
    """Every plan of my units and the units below them."""
    return Rows(subtree_plans(principal(request).top_paths), plan_row_out)
