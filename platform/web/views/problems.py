"""The problem/rectification ledger (问题清单/整改清单) on the pages: a unit's and its
subtree's problems with their colours (the API's ``problem_out``: blue due soon, yellow
reopened, red overdue, green done), a form to record a problem, and one problem's page where
its rectification runs: the unit plans it (measures, 牵头领导, 责任单位, the due date),
reports progress with photos and completes it with evidence; a unit above verifies it
(销号) or reopens it with a reason.

Each write is the API's: the same access helper (``access_node`` / ``access_problem`` with
the loggers' roles for the unit's own record-keeping; verify and reopen checked above by the
write side) and the same ``Campaigns`` command; photos go through the evidence store as on
the activity form. Each form posts to ``/problems/<id>/<action>``; :data:`ACTIONS` maps each
action to its command explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.events.campaigns.rules import PROBLEM_CATEGORIES
from taolun.events.kernel import DomainError
from taolun.platform.api.access import LOGGERS, access_node, access_plan, access_problem
from taolun.platform.api.routers.activities import problem_out
from taolun.platform.language import localise
from taolun.platform.web import forms
from taolun.platform.web.forms import FormErrors, lines, required
from taolun.platform.web.render import not_found_page, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.activities import running_campaigns, store_photos
from taolun.platform.web.views.as_of import moment_context, page_moment, rows_then
from taolun.platform.web.views.entries import from_above, page_of, unit_names
from taolun.projections.as_of import moments
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import OrgNode, ProblemRow

RECORD_FIELDS = ("campaign", "description", "category", "source")
RECTIFICATION_FIELDS = ("measures", "lead_leader", "responsible_units", "deadline")


def _blank(form: dict, *names: str) -> None:
    required(form, *names, message=_("此项不能为空"))


@signed_in
@pages_errors
def unit_problems(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """The ledger; a logger of the unit (secretary, admin) records a problem below it."""
    node = access_node(request, unit_id)
    who = request.auth  # type: ignore[attr-defined]
    when, position = page_moment(request), None
    # Recording is for now: a page looking back at a past moment only reads.
    may_record = when is None and who.may(node.path, *LOGGERS)
    on = figures.today(time_zone())
    campaigns = running_campaigns(node.id, on) if may_record else []
    form = {"category": PROBLEM_CATEGORIES[0], "campaign": str(campaigns[0]["id"]) if campaigns else ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        access_node(request, unit_id, *LOGGERS)  # 403 for a reader, as POST /api/v1/problems
        form = {k: request.POST.get(k, "").strip() for k in RECORD_FIELDS}
        try:
            created = _record(request, node, campaigns, form)
            return HttpResponseRedirect(reverse("web:problem", args=[created]))
        except FormErrors as refused:
            errors = refused.errors
    order = ("deadline", "id")
    if when is None:
        rows = ProblemRow.objects.filter(path__under=node.path).order_by(*order)
    else:  # the picker's moment: the rows replayed up to it, lights as of that day
        on = moments.day_of(when)
        position, rows = rows_then(when, ProblemRow, unit_id, order)
    listed = page_of(request, rows)
    return render(request, "feedback/problems.html", {
        "unit": node, "page": listed, "items": [problem_out(r, on) for r in listed],
        "units": unit_names(r.node_id for r in listed), "may_record": may_record, "campaigns": campaigns,
        "categories": [{"name": c} for c in PROBLEM_CATEGORIES], "form": form, "errors": errors,
        **moment_context(when, position),
    }, status=422 if errors else 200)


def _record(request: HttpRequest, node: OrgNode, campaigns: list[dict], form: dict) -> UUID:
    plan = next((c["plan_id"] for c in campaigns if str(c["id"]) == form["campaign"]), None)
    if plan is None:
        raise FormErrors({"campaign": _("请选择活动方案")})
    _blank(form, "description")
    access_plan(request, plan)
    who = request.auth  # type: ignore[attr-defined]
    return forms.run(request, lambda rt: rt.campaigns.record_problem(
        who.user_id, node.id, plan, description=form["description"], category=form["category"],
        source=form["source"]), RECORD_FIELDS)


@signed_in
@pages_errors
def problem_page(request: HttpRequest, problem_id: UUID) -> HttpResponse:
    return _problem_response(request, access_problem(request, problem_id))


def _problem_response(request: HttpRequest, row: ProblemRow, errors: dict | None = None,
                      kept: dict | None = None, failed: str = "") -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    logger = who.may(row.path, *LOGGERS)
    planned = row.rectification or {}
    plan_form = {"measures": "\n".join(planned.get("measures", [])), "lead_leader": planned.get("lead_leader", ""),
                 "responsible_units": "\n".join(planned.get("responsible_units", [])),
                 "deadline": planned.get("deadline", "")}
    return render(request, "feedback/problem.html", {
        "p": problem_out(row), "unit": OrgNode.objects.get(pk=row.node_id),
        "may_plan": logger and row.status in ("open", "rectifying"),
        "may_report": logger and row.status == "rectifying",
        "may_check": from_above(who, row.path) and row.status in ("completed", "verified"),
        "plan_form": {**plan_form, **((kept or {}).get("rectification") or {})},
        "errors": errors or {}, "kept": kept or {}, "failed": failed,
    }, status=422 if errors else 200)


@require_POST
@signed_in
@pages_errors
def problem_action(request: HttpRequest, problem_id: UUID, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        return not_found_page(request)
    roles = LOGGERS if action in UNIT_ACTIONS else ()  # verify/reopen: checked above by the write side
    row = access_problem(request, problem_id, *roles)
    form = {k: v.strip() for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        handler(request, row, form)
    except FormErrors as refused:
        return _problem_response(request, row, {action: refused.errors}, {action: form}, failed=action)
    return HttpResponseRedirect(reverse("web:problem", args=[problem_id]))


def _actor(request: HttpRequest) -> UUID:
    return request.auth.user_id  # type: ignore[attr-defined]


def _photos(request: HttpRequest) -> list[dict]:
    try:
        return store_photos(request, request.FILES.getlist("photos"))
    except DomainError as error:
        raise FormErrors({"photos": localise(request, error.code, error.message)}) from None


def plan_rectification(request: HttpRequest, row: ProblemRow, form: dict) -> None:
    _blank(form, *RECTIFICATION_FIELDS)
    forms.run(request, lambda rt: rt.campaigns.plan_rectification(
        row.id, _actor(request), measures=lines(form["measures"]), lead_leader=form["lead_leader"],
        responsible_units=lines(form["responsible_units"]), deadline=form["deadline"]), RECTIFICATION_FIELDS)


def report_progress(request: HttpRequest, row: ProblemRow, form: dict) -> None:
    _blank(form, "note")
    percent = form.get("percent", "")
    if percent and not (percent.isdigit() and len(percent) <= 3):
        raise FormErrors({"percent": _("请输入0到100的整数")})
    photos = _photos(request)
    forms.run(request, lambda rt: rt.campaigns.report_rectification_progress(
        row.id, _actor(request), note=form["note"], percent=int(percent) if percent else None,
        evidence=photos or None), ("note", "percent"))


def complete(request: HttpRequest, row: ProblemRow, form: dict) -> None:
    _blank(form, "summary")
    photos = _photos(request)
    forms.run(request, lambda rt: rt.campaigns.complete_rectification(
        row.id, _actor(request), summary=form["summary"], evidence=photos),
        ("summary", "photos"), {"evidence": "photos"})


def verify(request: HttpRequest, row: ProblemRow, form: dict) -> None:
    forms.run(request, lambda rt: rt.campaigns.verify_rectification(row.id, _actor(request), form.get("note", "")),
              ("note",))


def reopen(request: HttpRequest, row: ProblemRow, form: dict) -> None:
    required(form, "reason", message=_("请填写理由"))
    forms.run(request, lambda rt: rt.campaigns.reopen_problem(row.id, _actor(request), form["reason"]), ("reason",))


ACTIONS: dict[str, Callable[[HttpRequest, ProblemRow, dict], None]] = {
    "rectification": plan_rectification, "progress": report_progress, "complete": complete,
    "verify": verify, "reopen": reopen,
}
UNIT_ACTIONS = ("rectification", "progress", "complete")  # the unit's own record-keeping
