"""The caller's work: their to-do list, the campaigns published to their units, the plans
of their subtree. The pages show the same lists (the same read-model queries)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from taolun.events.values import MAX_INT
from taolun.platform.api.access import principal
from taolun.platform.api.listing import page
from taolun.platform.api.routers.campaigns import plan_row_out
from taolun.platform.api.schemas import Error
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.mine import published_campaigns, subtree_plans
from taolun.projections.todo import todo

router = Router(tags=["me 我的"])
ERRORS = {401: Error, 422: Error}


@router.get("/me/todo", response={200: dict, **ERRORS})
def my_todo(request: HttpRequest):
    """What is waiting for me, most urgent first: plans to derive by a deadline, plans to
    review, my plan returned (with reasons), upstream changed, requirements behind,
    rectifications due and activities returned (``days_left`` negative when overdue)."""
    on = figures.today(time_zone())
    items = todo(principal(request).grants, on)
    return {"today": on.isoformat(), "count": len(items), "items": items}


@router.get("/me/campaigns", response={200: dict, **ERRORS})
def my_campaigns(request: HttpRequest, limit: int = Query(50, ge=1, le=500),
                 offset: int = Query(0, ge=0, le=MAX_INT)):
    """Released campaigns published to my units (or authored in my subtree)."""
    rows = published_campaigns(p for p, _ in principal(request).grants)
    return page(rows, limit, offset, plan_row_out)


@router.get("/me/plans", response={200: dict, **ERRORS})
def my_plans(request: HttpRequest, limit: int = Query(50, ge=1, le=500),
             offset: int = Query(0, ge=0, le=MAX_INT)):
    """Every plan of my units and the units below them."""
    return page(subtree_plans(principal(request).top_paths), limit, offset, plan_row_out)
