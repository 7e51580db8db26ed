"""What is waiting for a user: their to-do list, computed from the read models.

One function for the home page and ``GET /api/v1/me/todo``. Only what the caller's grants
reach is read (every query is bounded by the grants' paths or nodes), so the list is
tenant-isolated by construction. Items, most urgent first (by days left, undated last):

* ``derive_deadline``: a unit I administer should derive its plan from a released
  campaign and has not (days left to the campaign's derive deadline);
* ``plan_to_review``: a plan submitted to a plan of a unit I administer (the parent unit's
  admin reviews: the rule of ``approve``/``return`` in the API);
* ``plan_returned``: my unit's plan came back, with the reasons;
* ``upstream_changed``: the plan above mine released a change I have not taken;
* ``requirement_behind``: a per-unit requirement my branch or office has not met yet
  ("集中学习 2 of 3"), with the days left in its phase (or the campaign);
* ``rectification_due``: an open rectification of my unit, with days left (negative: overdue);
* ``task_due``: a task given to my branch or office (by a released plan) that it has not
  done yet — no activity logged for it, dated by ``on`` — with days left to its due date;
* ``activity_returned``: an activity of my units returned by an inspector, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q

from taolun.events.campaigns.lights import MEASURED_KINDS
from taolun.events.campaigns.rules import LOGGERS
from taolun.projections import progress as figures
from taolun.projections.models import ActivityRow, OrgNode, PlanRow, ProblemRow, ProgressRow, TaskAssignment
from taolun.projections.subtree import within_any

ADMIN = "admin"
KINDS = ("derive_deadline", "plan_to_review", "plan_returned", "upstream_changed",
         "requirement_behind", "rectification_due", "task_due", "activity_returned")
OPEN_PROBLEMS = ("open", "rectifying")


def _days(day: str | None, on: date) -> int | None:
    return (date.fromisoformat(day[:10]) - on).days if day else None


def _item(kind: str, ref: Any, unit: dict, due: str | None, on: date, **extra: Any) -> dict:
    return {"kind": kind, "ref": str(ref), "unit_id": str(unit["id"]), "unit_name": unit["name"],
            "due": due, "days_left": _days(due, on), **extra}


def todo(grants: Iterable[tuple[str, str]], on: date, kinds: Iterable[str] = KINDS) -> list[dict]:
    """The to-do items of a user holding ``grants`` ((path, role) pairs), as of ``on`` (only
    the ``kinds`` asked for: the reminder scan needs the dated ones)."""
    grants = list(grants)
    paths = {p for p, _ in grants}
    nodes = {n["path"]: n for n in OrgNode.objects.filter(path__in=paths, archived=False)
             .values("id", "name", "kind", "path")}
    admin = [nodes[p] for p, r in grants if r == ADMIN and p in nodes]
    loggers = list({nodes[p]["id"]: nodes[p] for p, r in grants if r in LOGGERS and p in nodes}.values())
    return sorted(items_of(admin, loggers, on, kinds), key=lambda i: (
        i["days_left"] is None, i["days_left"] or 0, KINDS.index(i["kind"]), i["unit_name"], i["ref"]))


def items_of(admin: list[dict], loggers: list[dict], on: date, kinds: Iterable[str] = KINDS) -> list[dict]:
    """The to-do items of the units ``admin`` (administered) and ``loggers`` (logged for),
    unsorted: a user's (above), or every unit's at once (the reminder scan, which then tells
    each unit's people: :func:`for_admins`)."""
    items: list[dict] = []
    campaigns = _campaigns()
    wanted = set(kinds)
    for kind, users, find in _FINDERS:
        if wanted & kind:
            items += find(admin if users == ADMIN else loggers, campaigns, on)
    return items


def for_admins(kind: str) -> bool:
    """Whether items of ``kind`` are the admins' of their unit (else its loggers')."""
    return next(users == ADMIN for kinds, users, _ in _FINDERS if kind in kinds)


def _campaigns() -> dict[UUID, dict]:
    """Released campaigns (their title, window, publication); a draft asks nothing of anyone."""
    return {c["id"]: c for c in PlanRow.objects.filter(kind="campaign", released_version__gt=0)
            .values("id", "title", "window_end", "publication")}


def _campaign_fields(campaigns: dict, campaign_id: UUID) -> dict:
    c = campaigns.get(campaign_id) or {}
    return {"campaign_id": str(campaign_id), "campaign_title": c.get("title", "")}


def _derive(admin: list[dict], campaigns: dict, on: date) -> list[dict]:
    by_id = {n["id"]: n for n in admin}
    rows = ProgressRow.objects.filter(node_id__in=by_id, expected=True, plan_status="not_derived",
                                      campaign_id__in=campaigns).values("campaign_id", "node_id")
    out = []
    for r in rows:
        deadline = (campaigns[r["campaign_id"]].get("publication") or {}).get("derive_deadline")
        out.append(_item("derive_deadline", f"{r['campaign_id']}:{r['node_id']}", by_id[r["node_id"]],
                         deadline, on, **_campaign_fields(campaigns, r["campaign_id"])))
    return out


def _own_plans(admin: list[dict], campaigns: dict, on: date) -> list[dict]:
    by_id = {n["id"]: n for n in admin}
    out = []
    for p in PlanRow.objects.filter(node_id__in=by_id, kind="derived").filter(
            Q(status="returned") | Q(upstream_version__isnull=False)).order_by("id"):
        common = {"plan_id": str(p.id), "plan_title": p.title, **_campaign_fields(campaigns, p.campaign_id)}
        if p.status == "returned":
            out.append(_item("plan_returned", p.id, by_id[p.node_id], None, on,
                             reasons=list(p.return_reasons), **common))
        if p.upstream_version:
            out.append(_item("upstream_changed", p.id, by_id[p.node_id], None, on,
                             upstream_version=p.upstream_version, conflicts=len(p.conflicts), **common))
    return out


def _to_review(admin: list[dict], campaigns: dict, on: date) -> list[dict]:
    """Submitted plans whose parent plan belongs to a unit at or below one I administer."""
    if not admin:
        return []
    parents = PlanRow.objects.filter(within_any(n["path"] for n in admin)).values("id")
    rows = list(PlanRow.objects.filter(status="submitted", parent_id__in=parents).order_by("path"))
    units = {n["id"]: n for n in OrgNode.objects.filter(pk__in=[r.node_id for r in rows]).values("id", "name")}
    return [_item("plan_to_review", r.id, units.get(r.node_id, {"id": r.node_id, "name": ""}), None, on,
                  plan_id=str(r.id), plan_title=r.title, submissions=r.submissions,
                  **_campaign_fields(campaigns, r.campaign_id))
            for r in rows]


def _requirements(loggers: list[dict], campaigns: dict, on: date) -> list[dict]:
    """Per-unit requirements my branch or office has not met, while the campaign runs."""
    units = {n["id"]: n for n in loggers if n["kind"] in MEASURED_KINDS}
    rows = list(ProgressRow.objects.filter(node_id__in=units, obliged=True, campaign_id__in=campaigns)
                .values("campaign_id", "node_id", "governing_plan_id", "own"))
    governing = {p["id"]: p["released"] for p in PlanRow.objects.filter(
        pk__in={r["governing_plan_id"] for r in rows}).values("id", "released")}
    out = []
    for r in rows:
        campaign_end = campaigns[r["campaign_id"]].get("window_end") or None
        if campaign_end and campaign_end < on.isoformat():
            continue  # the campaign has ended: nothing more to do for it
        released = governing.get(r["governing_plan_id"]) or {}
        for req in r["own"].get("requirements", []):
            if figures.met_on(req.get("met_on"), on):
                continue
            spec = (released.get("requirements") or {}).get(req["id"]) or {}
            phase = (released.get("phases") or {}).get(spec.get("phase_id") or "") if spec.get("scope") == "phase" else None
            ends = (phase or {}).get("end") or campaign_end
            out.append(_item("requirement_behind", f"{r['campaign_id']}:{r['node_id']}:{req['id']}",
                             units[r["node_id"]], ends, on, requirement_kind=req["kind"],
                             description=req.get("description", ""), metric=req["metric"],
                             achieved=req["achieved"], minimum=req["minimum"],
                             phase_name=(phase or {}).get("name"),
                             **_campaign_fields(campaigns, r["campaign_id"])))
    return out


def _rectifications(loggers: list[dict], campaigns: dict, on: date) -> list[dict]:
    by_id = {n["id"]: n for n in loggers}
    rows = ProblemRow.objects.filter(node_id__in=by_id, status__in=OPEN_PROBLEMS,
                                     deadline__isnull=False).order_by("deadline", "id")
    return [_item("rectification_due", p.id, by_id[p.node_id], p.deadline, on,
                  description=p.description[:200], status=p.status, reopened=p.reopened,
                  percent=p.percent, **_campaign_fields(campaigns, p.campaign_id))
            for p in rows]


def open_assignments(units: Iterable[Any] | None, campaigns: Iterable[UUID], on: date) -> list[dict]:
    """The dated task assignments (of ``units``; None: every unit) binding as of ``on`` —
    their plan released — that no logged activity of the unit dated by ``on`` has done."""
    rows = TaskAssignment.objects.filter(campaign_id__in=list(campaigns), due__isnull=False)
    if units is not None:
        rows = rows.filter(node_id__in=list(units))
    rows = list(rows.order_by("due", "id").values())
    if not rows:
        return []
    released = set(PlanRow.objects.filter(pk__in={r["plan_id"] for r in rows}, released_version__gt=0)
                   .values_list("id", flat=True))
    rows = [r for r in rows if r["plan_id"] in released]
    done = set(ActivityRow.objects.filter(
        task_id__in={r["task_id"] for r in rows}, node_id__in={r["node_id"] for r in rows}, status="logged",
        start__lt=(on + timedelta(days=1)).isoformat()).values_list("task_id", "node_id"))
    return [r for r in rows if (r["task_id"], r["node_id"]) not in done]


def _tasks(loggers: list[dict], campaigns: dict, on: date) -> list[dict]:
    by_id = {n["id"]: n for n in loggers}
    if not by_id:
        return []
    return [_item("task_due", f"{a['plan_id']}:{a['task_id']}:{a['node_id']}", by_id[a["node_id"]], a["due"],
                  on, description=a["title"], owner=a["owner"], task_id=a["task_id"],
                  **_campaign_fields(campaigns, a["campaign_id"]))
            for a in open_assignments(by_id, campaigns, on)]


def _returned_activities(loggers: list[dict], campaigns: dict, on: date) -> list[dict]:
    if not loggers:
        return []
    rows = list(ActivityRow.objects.filter(within_any(n["path"] for n in loggers), status="returned")
                .order_by("-updated_at", "id")[:100])
    units = {n["id"]: n for n in OrgNode.objects.filter(pk__in={a.node_id for a in rows}).values("id", "name")}
    out = []
    for a in rows:
        history = (a.data or {}).get("history") or []
        reason = next((h.get("reason") for h in reversed(history) if h.get("event") == "returned"), "")
        out.append(_item("activity_returned", a.id, units.get(a.node_id, {"id": a.node_id, "name": ""}),
                         None, on, activity_title=a.title, activity_kind=a.kind, reason=reason,
                         **_campaign_fields(campaigns, a.campaign_id)))
    return out


# (kinds found, whose grants: the units one administers or logs for, finder), in list order
_FINDERS = (
    ({"derive_deadline"}, ADMIN, _derive),
    ({"plan_returned", "upstream_changed"}, ADMIN, _own_plans),
    ({"plan_to_review"}, ADMIN, _to_review),
    ({"requirement_behind"}, "logger", _requirements),
    ({"rectification_due"}, "logger", _rectifications),
    ({"task_due"}, "logger", _tasks),
    ({"activity_returned"}, "logger", _returned_activities),
)
