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
from taolun.events.reports.report import SUMMARY_KINDS
from taolun.platform.api.access import principal
from taolun.platform.api.routers.reports import (
    ReportIn, my_jobs, queue_report, report_file, submit_summary, submitted_below,
)
from taolun.platform.web.labels import REPORT_CHOICES as CHOICES
from taolun.platform.web.render import my_units, pages_errors, render
from taolun.platform.web.session import signed_in
from taolun.projections.mine import published_campaigns
from taolun.projections.models import OrgNode, PlanRow, ProgressRow

ACTIVE = ("queued", "running")


FIELDS = ("campaign", "unit", "choice", "doc_no", "period_start", "period_end", "phase_id")


def _form_options(who) -> tuple[list[dict], list[dict], list[dict]]:
    units = my_units(who)
    campaigns = [{"id": c.id, "title": c.title} for c in published_campaigns(p for p, _ in who.grants)]
    return campaigns, units, _phases([c["id"] for c in campaigns])


def _phases(campaign_ids: list) -> list[dict]:
    """The phases of the campaigns (for 阶段总结), labelled with their campaign when several."""
    phases = [{"id": "", "label": "—"}]
    for row in PlanRow.objects.filter(pk__in=campaign_ids).order_by("title"):
        for phase in sorted((row.phases or {}).values(), key=lambda p: (p.get("start") or "", p["name"])):
            prefix = f"{row.title} · " if len(campaign_ids) > 1 else ""
            phases.append({"id": phase["id"], "label": f"{prefix}{phase['name']}（{phase.get('start')}至{phase.get('end')}）"})
    return phases


@signed_in
@pages_errors
def index(request: HttpRequest) -> HttpResponse:
    who = request.auth  # type: ignore[attr-defined]
    campaigns, units, phases = _form_options(who)
    form = {k: request.POST.get(k, "").strip() for k in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        job, errors = _submit(request, form)
        if job is not None:
            return HttpResponseRedirect(reverse("web:report", args=[job.id]))
    return render(request, "reports.html", {
        "campaigns": campaigns, "units": units, "phases": phases, "choices": CHOICES, "form": form,
        "errors": errors, "jobs": my_jobs(request, limit=20), "submitted": _submitted(request),
    }, status=422 if errors else 200)


def _submitted(request: HttpRequest) -> list[dict]:
    """Summaries submitted from below to the user's units, with the sending unit's name."""
    jobs = submitted_below(request, limit=20)
    names = dict(OrgNode.objects.filter(pk__in=[j.for_unit for j in jobs]).values_list("id", "name"))
    return [{"job": job, "from": names.get(job.for_unit, "")} for job in jobs]


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
                           doc_no=form["doc_no"][:50] or None, period_start=form["period_start"][:10] or None,
                           period_end=form["period_end"][:10] or None, phase_id=form["phase_id"][:36] or None)
        return queue_report(request, payload), {}
    except (DomainError, ApiError) as error:
        if error.status == 404:
            raise
        field = (getattr(error, "details", None) or {}).get("field")
        return None, {field if field in FIELDS else "form": error.message}


@signed_in
@pages_errors
def report(request: HttpRequest, report_id: UUID) -> HttpResponse:
    """One job; while it runs, its status block asks again every second (htmx)."""
    job = access_report(request, report_id)
    template = "web/report_status.html" if request.headers.get("HX-Request") else "report.html"
    return render(request, template, _job_context(request, job))


def _job_context(request: HttpRequest, job, error: str = "") -> dict:
    who = principal(request)
    parent = OrgNode.objects.filter(pk=job.for_unit).values_list("parent_id", flat=True).first()
    submittable = (job.kind in SUMMARY_KINDS and job.status == "done" and not job.submitted_to
                   and parent is not None and who.may(job.path, "admin", "secretary"))
    to_unit = OrgNode.objects.filter(pk=job.submitted_to or parent).values_list("name", flat=True).first()
    return {"job": job, "active": job.status in ACTIVE, "submittable": submittable, "to_unit": to_unit or "",
            "error": error}


@signed_in
@pages_errors
def submit(request: HttpRequest, report_id: UUID) -> HttpResponse:
    """上报 a summary to the unit above (POST); a refusal is shown on the job's page."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("web:report", args=[report_id]))
    try:
        submit_summary(request, report_id)
    except (DomainError, ApiError) as error:
        if error.status in (403, 404):
            raise
        job = access_report(request, report_id)
        return render(request, "report.html", _job_context(request, job, error.message), status=error.status)
    return HttpResponseRedirect(reverse("web:report", args=[report_id]))


@signed_in
@pages_errors
def download(request: HttpRequest, report_id: UUID) -> HttpResponse:
    return report_file(access_report(request, report_id))


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
