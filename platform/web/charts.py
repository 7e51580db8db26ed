"""The data the dashboard's charts draw (``static/taolun/charts.js``), labelled in the
user's language: plan status by level, activities per week by kind, rectifications by
colour (the colours of the node's figures)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.utils.translation import gettext as _

from taolun.platform.web.labels import PLAN_STATUSES
from taolun.projections.charts import PLAN_LEVELS, activities_by_week, plan_status_by_level
from taolun.tenants.domainmodel import KIND_LABELS

STATUS_ORDER = ("not_derived", "draft", "submitted", "returned", "approved")


def dashboard_charts(campaign_id: UUID, path: str, node: dict, on: date) -> dict:
    plans = plan_status_by_level(campaign_id, path)
    problems = node["problems"]
    return {
        "levels": [{"label": _(KIND_LABELS[k]), "counts": plans[k]} for k in PLAN_LEVELS if plans[k]],
        "statuses": [{"code": s, "label": _(PLAN_STATUSES[s])} for s in STATUS_ORDER],
        "weeks": activities_by_week(campaign_id, path, on),
        "problems": [
            {"label": _("逾期"), "value": problems["red"], "color": "#c62828"},
            {"label": _("被重新打开"), "value": problems["yellow"], "color": "#f9a825"},
            {"label": _("七天内到期"), "value": problems["blue"], "color": "#1565c0"},
            {"label": _("已销号"), "value": problems["closed"], "color": "#2e7d32"},
        ],
    }
