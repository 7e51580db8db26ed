"""Figures the dashboard draws as charts, for the units below one node in one campaign:
plan status by level (bureaus, schools) and activities done per week by kind. Bounded by
the node's path (the caller has checked access); aggregated in the database."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django.db.models import Count
from django.db.models.functions import Substr

from taolun.projections.models import ActivityRow, ProgressRow

PLAN_LEVELS = ("bureau", "school")


def plan_status_by_level(campaign_id: UUID, path: str) -> dict[str, dict[str, int]]:
    """{kind: {plan status: units}} for the units below that should derive a plan."""
    rows = (ProgressRow.objects.filter(campaign_id=campaign_id, path__under=path, path__gt=path,
                                       expected=True, kind__in=PLAN_LEVELS)
            .values("kind", "plan_status").annotate(n=Count("node_id")))
    out: dict[str, dict[str, int]] = {k: {} for k in PLAN_LEVELS}
    for r in rows:
        out[r["kind"]][r["plan_status"] or "not_derived"] = r["n"]
    return out


def activities_by_week(campaign_id: UUID, path: str, on: date) -> dict[str, dict[str, int]]:
    """{week's Monday: {kind: activities}} for activities logged at or below the node and
    done by ``on`` (returned and retracted ones do not count)."""
    rows = (ActivityRow.objects.filter(campaign_id=campaign_id, path__under=path, status="logged",
                                       start__lte=on.isoformat() + "~")
            .annotate(day=Substr("start", 1, 10)).values("day", "kind").annotate(n=Count("id")))
    weeks: dict[str, dict[str, int]] = {}
    for r in rows:
        try:
            day = date.fromisoformat(r["day"])
        except ValueError:
            continue
        if day > on:
            continue
        monday = (day - timedelta(days=day.weekday())).isoformat()
        weeks.setdefault(monday, {})
        weeks[monday][r["kind"]] = weeks[monday].get(r["kind"], 0) + r["n"]
    return dict(sorted(weeks.items()))
