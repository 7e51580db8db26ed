"""The review queue and the review of one plan: the submitted plan beside the release of its
parent it is based on (inherited items, narrowed dates, declined topics with their reasons,
local items), approved or returned with reasons.

The queue is the to-do list's ``plan_to_review`` items (``projections/todo.py``, the same as
``GET /api/v1/me/todo``); approve and return are the API's commands after the same access
helper (who may review is the write side's rule)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from taolun.platform.api.access import access_plan
from taolun.platform.api.routers.campaigns import tell_children
from taolun.platform.runtime import get_runtime
from taolun.platform.web.forms import lines, perform
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import OrgNode
from taolun.projections.todo import todo

# Who may open a submitted plan for review: anyone who sees it (the API's roles); whether
# they may approve it is the write side's rule.
REVIEWERS = ("admin", "viewer", "auditor", "inspector", "secretary")
LABELS = {"topics": "title", "phases": "name", "tasks": "title", "requirements": "description"}


@signed_in
@pages_errors
def queue(request: HttpRequest) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    items = [i for i in todo(who.grants, figures.today(time_zone())) if i["kind"] == "plan_to_review"]
    return render(request, "bureau/review_queue.html", {"items": items})


def compare(plan, parent_content: dict) -> dict[str, list[dict]]:
    """Per section, each item of the plan beside the parent's: ``inherited`` (as it came),
    ``narrowed`` (an inherited phase with dates inside the parent's), ``declined`` (with the
    reason), ``local`` (added by the unit); and the parent's items the plan no longer has."""
    out: dict[str, list[dict]] = {}
    for section, label in LABELS.items():
        parent_items = parent_content.get(section, {})
        rows = []
        for iid, item in plan.sections[section].items():
            above = parent_items.get(iid)
            mark = "local" if item.get("origin") == "local" else "inherited"
            if section == "topics" and item.get("declined"):
                mark = "declined"
            elif section == "phases" and above and (item["start"], item["end"]) != (above["start"], above["end"]):
                mark = "narrowed"
            rows.append({"item": item, "parent": above, "mark": mark, "label": item.get(label) or item.get("kind", "")})
        for iid, above in parent_items.items():
            if iid not in plan.sections[section]:
                rows.append({"item": None, "parent": above, "mark": "missing", "label": above.get(label, "")})
        out[section] = sorted(rows, key=lambda r: (r["mark"] == "local", (r["item"] or r["parent"]).get("start", "")))
    return out


def _review_context(request: HttpRequest, plan_id: UUID, **extra) -> dict:
    row = access_plan(request, plan_id, *REVIEWERS)
    campaigns = get_runtime().campaigns
    plan = campaigns.get_plan(plan_id)
    parent = campaigns.get_plan(plan.parent_id) if plan.parent_id else None
    parent_content = parent.version_content(plan.parent_version) if parent and plan.parent_version else {}
    unit = OrgNode.objects.values("id", "name").get(pk=row.node_id)
    return {"row": row, "plan": plan, "parent": parent, "unit": unit, "rows": compare(plan, parent_content),
            "form": {}, "errors": {}, **extra}


@signed_in
@pages_errors
def review(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    return render(request, "bureau/review.html", _review_context(request, plan_id))


@require_POST
@signed_in
@pages_errors
def decide(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    """Approve (with an optional comment) or return (with reasons, one a line)."""
    _review_context(request, plan_id)  # access first: 404 outside the grants
    who = request.auth  # type: ignore[attr-defined]
    form = {"comment": request.POST.get("comment", "").strip(), "reasons": request.POST.get("reasons", "")}
    if request.POST.get("decision") == "approve":
        _, errors = perform(request, lambda rt: rt.campaigns.approve(plan_id, who.user_id, form["comment"]), ("comment",))
        released = get_runtime().campaigns.get_plan(plan_id).released_version
        if not errors and released > 1:
            tell_children(plan_id, released)
    else:
        _, errors = perform(request, lambda rt: rt.campaigns.return_plan(plan_id, who.user_id, lines(form["reasons"])),
                            ("reasons",), {"reason": "reasons"})
    if errors:
        return render(request, "bureau/review.html", _review_context(request, plan_id, form=form, errors=errors),
                      status=422)
    return HttpResponseRedirect(reverse("web:review_queue") + f"?done={plan_id}")
