"""Reports on a page: request one for a unit in a campaign, watch it (htmx polls the job
while it is queued or running), download it. The same service and access helpers as the
API (``platform/api/routers/reports.py``); a job outside the user's grants is the 404 page."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taolun.events.kernel import DomainError
from taolun.platform.api.access import access_report
from taolun.platform.api.errors import ApiError
from taolun.platform.api.routers.reports import ReportIn, my_jobs, queue_report, report_file
from taolun.platform.web.labels import REPORT_CHOICES as CHOICES
from taolun.platform.web.render import my_units, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections.mine import published_campaigns
from taolun.projections.models import ProgressRow

ACTIVE = ("queued", "running")


def _form_options(who) -> tuple[list[dict], list[dict]]:
    units = my_units(who)
    campaigns = [{"id": c.id, "title": c.title} for c in published_campaigns(p for p, _ in who.grants)]
    return campaigns, units


@signed_in
@pages_errors
def index(request: HttpRequest) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    campaigns, units = _form_options(who)
    form = {k: request.POST.get(k, "").strip() for k in ("campaign", "unit", "choice", "doc_no")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        job, errors = _submit(request, form)
        if job is not None:
            return HttpResponseRedirect(reverse("web:report", args=[job.id]))
    return render(request, "reports.html", {
        "campaigns": campaigns, "units": units, "choices": CHOICES, "form": form, "errors": errors,
        "jobs": my_jobs(request, limit=20),
    }, status=422 if errors else 200)


def _submit(request: HttpRequest, form: dict):
    choice = next((c for c in CHOICES if c[0] == form["choice"]), None)
    if choice is None:
        return None, {"choice": _("请选择报表类型")}
    campaign, unit = _uuid(form["campaign"]), _uuid(form["unit"])
    if campaign is None:
        return None, {"campaign": _("请选择活动方案")}
    if unit is None:
        return None, {"unit": _("请选择单位")}
    subject = unit
    if choice[1] == "plan_document":  # the unit's own plan, or the one that governs it
        row = ProgressRow.objects.filter(campaign_id=campaign, node_id=unit).values(
            "plan_id", "governing_plan_id").first()
        if row is None:
            return None, {"unit": _("该单位不在此活动范围内")}
        subject = row["plan_id"] or row["governing_plan_id"]
    try:
        payload = ReportIn(kind=choice[1], subject_id=subject, format=choice[2], campaign_id=campaign,
                           doc_no=form["doc_no"][:50] or None)
        return queue_report(request, payload), {}
    except (DomainError, ApiError) as error:
        if error.status == 404:
            raise
        return None, {"form": error.message}


@signed_in
@pages_errors
def report(request: HttpRequest, report_id: UUID) -> HttpResponse:
    """One job; while it runs, its status block asks again every second (htmx)."""
    job = access_report(request, report_id)
    template = "web/report_status.html" if request.headers.get("HX-Request") else "report.html"
    return render(request, template, {"job": job, "active": job.status in ACTIVE})


@signed_in
@pages_errors
def download(request: HttpRequest, report_id: UUID) -> HttpResponse:
    return report_file(access_report(request, report_id))


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
