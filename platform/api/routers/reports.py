"""Report jobs: request a document (202 with the job), watch it, download it when done.

A job is visible to whoever may see its subject (the plan, or the unit); the file is built
by a worker (taolun.notifications.reports) and recorded by ``Report.Generated``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema

from taolun.events.reports.report import SUMMARY_KINDS, check_request
from taolun.platform.api.access import access_node, access_plan, access_report, plan_visible, principal
from taolun.platform.api.commands import actor, run_command
from taolun.platform.api.errors import ApiError, not_found
from taolun.platform.api.schemas import Error
from taolun.infra.blobs import safe_filename
from taolun.projections.models import OrgNode, PlanRow

router = Router(tags=["reports 报表"])
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class ReportIn(Schema):
    kind: str = Field(description="plan_document (实施方案) | progress_table (进度统计表) | "
                                  "rectification_ledger (整改台账) | activity_ledger (活动台账) | "
                                  "bulletin (简报) | phase_summary (阶段总结) | summary_report (总结报告)")
    subject_id: UUID = Field(description="the plan (plan_document) or the unit (the others)")
    format: str = Field(description="docx | pdf (plan_document, bulletin, summaries); xlsx | pdf "
                                    "(progress_table); xlsx (the ledgers)")
    campaign_id: UUID | None = Field(None, description="the campaign (required for a unit's reports)")
    doc_no: str | None = Field(None, max_length=50, description="文号 of the 公文 (blank when omitted)")
    period_start: str | None = Field(None, max_length=10, description="简报: first day (YYYY-MM-DD)")
    period_end: str | None = Field(None, max_length=10, description="简报: last day (YYYY-MM-DD)")
    phase_id: str | None = Field(None, max_length=36, description="阶段总结: the campaign's phase")


def report_sources(campaigns):
    """What the report builders read from the platform: a plan as the API answers it (its
    latest release for readers below its unit), and the plan statuses' names."""
    from taolun.notifications.reports.build import Sources
    from taolun.notifications.reports.files import evidence_photo
    from taolun.platform.api.routers.campaigns import plan_out
    from taolun.platform.web.labels import PLAN_STATUSES

    def read_plan(plan_id: UUID, released_only: bool) -> dict[str, Any]:
        return plan_out(campaigns.get_released_plan(plan_id) if released_only else campaigns.get_plan(plan_id))

    return Sources(read_plan=read_plan, plan_statuses=PLAN_STATUSES, log=campaigns, photo=evidence_photo)


def job_out(job) -> dict[str, Any]:
    done = job.status == "done"
    return {
        "id": str(job.id), "kind": job.kind, "format": job.format, "subject_id": str(job.subject_id),
        "campaign_id": str(job.campaign_id) if job.campaign_id else None, "for_unit": str(job.for_unit),
        "requested_by": str(job.requested_by), "status": job.status, "progress": job.progress,
        "reason": job.reason or None, "filename": job.filename or None, "size": job.size if done else None,
        "sha256": job.sha256 or None, "computed_at": job.computed_at,
        "requested_at": job.requested_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "file_url": f"/api/v1/reports/{job.id}/file" if done else None,
        "issue_no": job.options.get("issue_no"), "period_start": job.options.get("period_start"),
        "period_end": job.options.get("period_end"), "phase_id": job.options.get("phase_id"),
        "at": job.options.get("at"),
        "submitted": {"to_unit": str(job.submitted_to), "by": str(job.submitted_by),
                      "at": job.submitted_at.isoformat()} if job.submitted_to else None,
    }


def resolve_subject(request: HttpRequest, payload: ReportIn) -> tuple[UUID, dict[str, Any]]:
    """The unit the report is for and the options the worker needs; 404 for a subject (or
    campaign) outside the caller's grants."""
    options = {k: v for k, v in (("period_start", payload.period_start), ("period_end", payload.period_end),
                                 ("phase_id", payload.phase_id)) if v}
    subject_type = check_request(payload.kind, payload.format, payload.campaign_id, options)
    if subject_type == "plan":
        row = access_plan(request, payload.subject_id)
        view = "current" if principal(request).sees(row.path) else "released"
        return row.node_id, {"view": view, "doc_no": (payload.doc_no or "").strip()}
    unit = access_node(request, payload.subject_id)
    campaign = PlanRow.objects.filter(pk=payload.campaign_id, kind="campaign").first()
    if campaign is None or not plan_visible(request, campaign):
        raise not_found("活动")
    return unit.id, options


def queue_report(request: HttpRequest, payload: ReportIn):
    """Queue a report as the caller (API and page alike); answer its job row."""
    for_unit, options = resolve_subject(request, payload)
    report_id = run_command(request, lambda rt: rt.apps.reports.request(
        actor(request), for_unit=for_unit, kind=payload.kind, subject_id=payload.subject_id,
        fmt=payload.format, campaign_id=payload.campaign_id, options=options,
    ))
    return access_report(request, report_id)


@router.post("/reports", response={202: dict, **ERRORS}, summary="申请生成报表", operation_id="request_report")
def request_report(request: HttpRequest, payload: ReportIn):
    """Queue a report; answer 202 with the job (status ``queued``). Poll the job, then
    download ``file_url`` when its status is ``done``."""
    return 202, job_out(queue_report(request, payload))


def my_jobs(request: HttpRequest, limit: int = 50) -> list:
    """The caller's latest report requests whose subjects they still see."""
    from taolun.notifications.reports.models import ReportJob

    jobs = []
    for job in ReportJob.objects.filter(requested_by=principal(request).user_id)[:limit]:
        try:
            jobs.append(access_report(request, job.id))
        except ApiError:
            continue
    return jobs


@router.get("/reports", response={200: dict, **ERRORS}, summary="列出我申请的报表", operation_id="list_my_reports")
def my_reports(request: HttpRequest):
    """The caller's latest 50 report requests whose subjects they still see."""
    return {"items": [job_out(job) for job in my_jobs(request)]}


def submitted_below(request: HttpRequest, unit_id: UUID | None = None, limit: int = 50) -> list:
    """Summaries submitted (上报) to a unit the caller sees (or to ``unit_id``), latest first."""
    from django.db.models import Q

    from taolun.notifications.reports.models import ReportJob

    who = principal(request)
    jobs = ReportJob.objects.filter(submitted_to__isnull=False).order_by("-submitted_at")
    if unit_id is not None:
        jobs = jobs.filter(submitted_to=access_node(request, unit_id).id)
    elif not who.is_operator:
        reach = Q(pk__in=[])
        for path in who.top_paths:
            reach |= Q(submitted_path__under=path)
        jobs = jobs.filter(reach)
    return [job for job in jobs[:limit] if who.sees(job.submitted_path)]


@router.get("/reports/submitted", response={200: dict, **ERRORS}, summary="查看下级上报的总结",
            operation_id="list_submitted_summaries")
def submitted_summaries(request: HttpRequest, unit_id: UUID | None = None):
    """Summaries (阶段总结, 总结报告) submitted to the caller's units (or to ``unit_id``), each
    with the sha256 and the position it was frozen at."""
    return {"items": [job_out(job) for job in submitted_below(request, unit_id)]}


def submit_summary(request: HttpRequest, report_id: UUID):
    """上报 a summary to the unit above its own, as the caller (API and page alike)."""
    job = access_report(request, report_id, "admin", "secretary")
    parent = OrgNode.objects.filter(pk=job.for_unit).values_list("parent_id", flat=True).first()
    run_command(request, lambda rt: rt.apps.reports.submit(actor(request), report_id, to_unit=parent))
    return access_report(request, report_id)


@router.post("/reports/{report_id}/submit", response={200: dict, **ERRORS}, summary="上报总结",
             operation_id="submit_summary")
def submit(request: HttpRequest, report_id: UUID):
    """Submit a generated 阶段总结 or 总结报告 to the unit above (上报): it is frozen as built
    (``sha256``, ``computed_at``). 409 ``report_not_ready`` / ``report_already_submitted``;
    422 ``report_not_submittable`` for another kind."""
    return job_out(submit_summary(request, report_id))


@router.post("/reports/{report_id}/regenerate", response={202: dict, **ERRORS},
             summary="按上报时的数据重新生成总结", operation_id="regenerate_summary")
def regenerate(request: HttpRequest, report_id: UUID):
    """A new job building the same summary from the data as it stood at the first one's
    ``computed_at``: the same content, whatever happened since."""
    job = access_report(request, report_id)
    if job.kind not in SUMMARY_KINDS:
        raise ApiError(422, "report_not_regenerable", "只有阶段总结和总结报告可以按原数据重新生成", kind=job.kind)
    if job.status != "done":
        raise ApiError(409, "report_not_ready", "报表尚未生成完成", job_status=job.status)
    options = {**job.options, "at": job.computed_at}
    new_id = run_command(request, lambda rt: rt.apps.reports.request(
        actor(request), for_unit=job.for_unit, kind=job.kind, subject_id=job.subject_id, fmt=job.format,
        campaign_id=job.campaign_id, options=options,
    ))
    return 202, job_out(access_report(request, new_id))


@router.get("/reports/{report_id}", response={200: dict, **ERRORS}, summary="查看报表进度", operation_id="read_report")
def read_report(request: HttpRequest, report_id: UUID):
    """The job: ``queued`` → ``running`` (``progress`` in %) → ``done`` | ``failed`` (``reason``)."""
    return job_out(access_report(request, report_id))


@router.get("/reports/{report_id}/file", response={200: None, **ERRORS}, summary="下载报表文件", operation_id="download_report")
def download_report(request: HttpRequest, report_id: UUID):
    """The generated file (409 ``report_not_ready`` before the job is done)."""
    return report_file(access_report(request, report_id))


def report_file(job) -> FileResponse:
    from taolun.notifications.reports.files import report_files

    if job.status != "done":
        raise ApiError(409, "report_not_ready", "报表尚未生成完成", job_status=job.status)
    opened = report_files().open(job.sha256)
    if opened is None:
        raise not_found("报表文件")
    handle, size, content_type = opened
    response = FileResponse(handle, content_type=content_type, as_attachment=True,
                            filename=safe_filename(job.filename) or f"{job.id}.{job.format}")
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
