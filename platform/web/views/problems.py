"""The problem/rectification ledger (问题清单/整改清单) on the pages: a unit's and its
subtree's problems with their colours (the API's ``problem_out``: blue due soon, yellow
behind, red overdue, green done), and one problem's page with its rectification, history
and evidence, where the unit's secretary or admin reports progress with photos (the same
``access_problem`` + ``Campaigns.report_rectification_progress`` as the API; the photos
through the evidence store, as on the activity form)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.events.kernel import DomainError
from taolun.platform.api.access import LOGGERS, access_node, access_problem
from taolun.platform.language import localise
from taolun.platform.api.routers.activities import problem_out
from taolun.platform.web import forms
from taolun.platform.web.forms import FormErrors, required
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.platform.web.views.as_of import moment_context, page_moment, rows_then
from taolun.projections.as_of import moments
from taolun.platform.web.views.activities import store_photos
from taolun.platform.web.views.entries import page_of
from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import OrgNode, ProblemRow


@signed_in
@pages_errors
def unit_problems(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    node = access_node(request, unit_id)
    order = ("deadline", "id")
    when, position = page_moment(request), None
    if when is None:
        on, rows = figures.today(time_zone()), ProblemRow.objects.filter(path__startswith=node.path).order_by(*order)
    else:  # the picker's moment: the rows replayed up to it, lights as of that day
        on = moments.day_of(when)
        position, rows = rows_then(when, ProblemRow, unit_id, order)
    listed = page_of(request, rows)
    units = dict(OrgNode.objects.filter(pk__in={r.node_id for r in listed}).values_list("id", "name"))
    return render(request, "feedback/problems.html", {
        "unit": node, "page": listed, "items": [problem_out(r, on) for r in listed],
        "units": {str(k): v for k, v in units.items()}, **moment_context(when, position),
    })


@signed_in
@pages_errors
def problem_page(request: HttpRequest, problem_id: UUID) -> HttpResponse:
    return _problem_response(request, access_problem(request, problem_id))


def _problem_response(request: HttpRequest, row: ProblemRow, errors: dict | None = None,
                      form: dict | None = None) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    return render(request, "feedback/problem.html", {
        "p": problem_out(row), "unit": OrgNode.objects.get(pk=row.node_id),
        "may_report": who.may(row.path, *LOGGERS) and row.status == "rectifying",
        "errors": errors or {}, "form": form or {},
    }, status=422 if errors else 200)


@require_POST
@signed_in
@pages_errors
def report_progress(request: HttpRequest, problem_id: UUID) -> HttpResponse:
    row = access_problem(request, problem_id, *LOGGERS)
    form = {k: request.POST.get(k, "").strip() for k in ("note", "percent")}
    try:
        required(form, "note", message=_("此项不能为空"))
        percent = None
        if form["percent"]:
            if not form["percent"].isdigit():
                raise FormErrors({"percent": _("请输入0到100的整数")})
            percent = int(form["percent"])
        try:
            photos = store_photos(request, request.FILES.getlist("photos"))
        except DomainError as error:
            raise FormErrors({"photos": localise(request, error.code, error.message)}) from None
        who = request.auth  # type: ignore[attr-defined]
        forms.run(request, lambda rt: rt.campaigns.report_rectification_progress(
            problem_id, who.user_id, note=form["note"], percent=percent, evidence=photos or None),
            ("note", "percent"))
    except FormErrors as refused:
        return _problem_response(request, row, refused.errors, form)
    return HttpResponseRedirect(reverse("web:problem", args=[problem_id]))
