"""Progress computed on read, as a team without a read model would: aggregate queries over
the subtree (GROUP BY the child's materialised-path prefix for the children's totals, GROUP
BY unit for the measured units' lights), then the same light rules as Taolun
(``taolun.events.campaigns.lights``, pure functions) applied in Python.

Per measured unit (branch, office): requirements met (activities of the kind done by today
≥ minimum), silence (days since the last activity done, while the campaign runs), overdue and
reopened rectifications, behind pace — its own light; a node's light by the shares of the
lights of the measured units below it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr

from plain_orm.models import PlainActivity, PlainCampaign, PlainNode, PlainPlan, PlainRectification
from taolun.events.campaigns import lights
from taolun.events.campaigns import window as windows

LIGHT_KEYS = lights.LIGHTS


def campaign_frame(campaign: PlainCampaign) -> tuple[tuple[str, str], dict, list[tuple[str, int]]]:
    window = (campaign.window_start.isoformat(), campaign.window_end.isoformat())
    requirements = list(campaign.requirements.values_list("kind", "minimum"))
    return window, lights.settings_of(campaign.settings), requirements


def unit_lights(campaign: PlainCampaign, path: str, on: date) -> dict[str, dict]:
    """Every measured unit below ``path`` (itself included) with its own figures and light:
    three grouped queries over the subtree (activities by unit and kind, rectifications by
    unit, the units themselves)."""
    window, settings, requirements = campaign_frame(campaign)
    units = {
        n["id"]: {"node_id": str(n["id"]), "path": n["path"], "name": n["name"], "kind": n["kind"], "by_kind": {},
                  "last": None, "overdue": 0, "reopened": 0, "activities": 0, "participants": 0}
        for n in PlainNode.objects.filter(path__startswith=path, kind__in=lights.MEASURED_KINDS)
        .values("id", "path", "name", "kind")
    }
    done = (PlainActivity.objects.filter(campaign=campaign, node__path__startswith=path,
                                         node__kind__in=lights.MEASURED_KINDS, start__lte=on)
            .exclude(status="returned").values("node_id", "kind")
            .annotate(n=Count("id"), people=Sum("participants"), last=Max("start")))
    for row in done:
        unit = units[row["node_id"]]
        unit["by_kind"][row["kind"]] = row["n"]
        unit["activities"] += row["n"]
        unit["participants"] += row["people"] or 0
        unit["last"] = max(filter(None, (unit["last"], row["last"].isoformat())))
    today = on.isoformat()
    open_ = ~Q(status__in=("completed", "verified", "closed"))
    for row in (PlainRectification.objects.filter(open_, campaign=campaign, node__path__startswith=path,
                                                  node__kind__in=lights.MEASURED_KINDS)
                .values("node_id")
                .annotate(overdue=Count("id", filter=Q(deadline__lt=on)),
                          reopened=Count("id", filter=Q(reopened__gt=0, deadline__gte=on)))):
        units[row["node_id"]].update(overdue=row["overdue"], reopened=row["reopened"])
    ended, started = windows.has_ended(window, on), windows.has_started(window, on)
    expected = windows.elapsed_pct(window, on)
    for unit in units.values():
        met = sum(1 for kind, minimum in requirements if unit["by_kind"].get(kind, 0) >= minimum)
        unit["req_met"], unit["req_total"] = met, len(requirements)
        since = max(unit["last"], window[0]) if unit["last"] else window[0]
        silent_days = max(0, (on - date.fromisoformat(since)).days) if started else None
        unit["silent"] = not ended and silent_days is not None and silent_days >= settings["silent_days"]
        score = round(100 * met / len(requirements)) if requirements else None
        behind = expected is not None and bool(requirements) and (
            100 * met / len(requirements) < expected - settings["pace_tolerance"])
        unit["score"] = score
        unit["light"] = lights.own_light(
            overdue=unit["overdue"], silent=unit["silent"],
            unfinished=ended and score is not None and score < 100, behind=behind, returned=0,
            reopened=unit["reopened"])
        unit["today"] = today
    return units


def node_progress(campaign: PlainCampaign, root: PlainNode, on: date) -> dict:
    """The root's figures with each child's: totals by GROUP BY on the child's path prefix,
    lights by the shares of the measured units' lights below each child."""
    window, settings, _ = campaign_frame(campaign)
    children = list(PlainNode.objects.filter(parent_id=root.id).order_by("kind", "name")
                    .values("id", "path", "name", "kind"))
    prefix = Substr("node__path", 1, len(root.path) + 33)  # a child's path: the root's + "<hex>/"
    totals = defaultdict(lambda: {"activities": 0, "participants": 0, "hours": 0.0, "by_kind": {},
                                  "last_activity": None})
    for row in (PlainActivity.objects.filter(campaign=campaign, node__path__startswith=root.path, start__lte=on)
                .exclude(status="returned").annotate(child=prefix).values("child", "kind")
                .annotate(n=Count("id"), people=Sum("participants"), hours=Sum("hours"), last=Max("start"))):
        t = totals[row["child"]]
        t["activities"] += row["n"]
        t["participants"] += row["people"] or 0
        t["hours"] += float(row["hours"] or 0)
        t["by_kind"][row["kind"]] = row["n"]
        t["last_activity"] = max(filter(None, (t["last_activity"], row["last"].isoformat())))
    plans = defaultdict(dict)
    for row in (PlainPlan.objects.filter(campaign=campaign, path__startswith=root.path)
                .annotate(child=Substr("path", 1, len(root.path) + 33)).values("child", "status")
                .annotate(n=Count("id"))):
        plans[row["child"]][row["status"]] = row["n"]
    problems = defaultdict(lambda: {"total": 0, "red": 0, "yellow": 0, "blue": 0})
    for row in (PlainRectification.objects.filter(campaign=campaign, node__path__startswith=root.path)
                .annotate(child=Substr("node__path", 1, len(root.path) + 33))
                .values("child", "status", "deadline", "reopened").annotate(n=Count("id"))):
        p = problems[row["child"]]
        p["total"] += row["n"]
        deadline = row["deadline"].isoformat() if row["deadline"] else None
        light = lights.problem_light(row["status"], deadline, row["reopened"], on)
        if light in ("red", "yellow", "blue"):
            p[light] += row["n"]
    units = unit_lights(campaign, root.path, on)

    def figures(node: dict) -> dict:
        below = [u for u in units.values() if u["path"].startswith(node["path"])]
        counts = {k: sum(1 for u in below if u["light"] == k) for k in LIGHT_KEYS}
        own = units[node["id"]]["light"] if node["id"] in units else "green"
        t = totals.get(node["path"]) or {"activities": 0, "participants": 0, "hours": 0.0,
                                         "by_kind": {}, "last_activity": None}
        return {
            "node_id": str(node["id"]), "name": node["name"], "kind": node["kind"],
            "plans": plans.get(node["path"], {}), **t,
            "requirements": {"met": sum(u["req_met"] for u in below),
                             "total": sum(u["req_total"] for u in below), "units": len(below)},
            "problems": problems.get(node["path"], {"total": 0, "red": 0, "yellow": 0, "blue": 0}),
            "days_left": windows.days_left(window, on),
            "light": lights.node_light(node["kind"], own, counts, settings),
            "units_lights": counts, "silent_units": sum(1 for u in below if u["silent"]),
        }

    out = figures({"id": root.id, "path": root.path, "name": root.name, "kind": root.kind})
    # The root's totals: its children's, summed (the same GROUP BY answered them).
    for key in ("activities", "participants", "hours"):
        out[key] = sum(totals[c["path"]][key] for c in children if c["path"] in totals)
    out["children"] = [figures(c) for c in children]
    out["children_lights"] = {k: sum(1 for c in out["children"] if c["light"] == k) for k in LIGHT_KEYS}
    out["today"], out["window"], out["settings"] = on.isoformat(), list(window), settings
    return out


def red_units(campaign: PlainCampaign, root: PlainNode, on: date, kind: str, light: str,
              limit: int, offset: int) -> dict:
    """The measured units below ``root`` of ``kind`` lit ``light`` today, by path."""
    units = sorted((u for u in unit_lights(campaign, root.path, on).values()
                    if u["kind"] == kind and u["light"] == light and u["path"] != root.path),
                   key=lambda u: u["path"])
    return {"count": len(units), "items": units[offset:offset + limit]}
