"""The demo city's reports: a 简报 of the last two weeks and a 进度统计表 with charts for the
city, and a district's 阶段总结 submitted upward (上报) to the city.

Requested through the Reports application and built by the worker's own actor (the outbox
row the request wrote), as a page's request would be. Each step only does what is still to
do, so a second load adds nothing and a load killed midway is completed by the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TextIO
from uuid import UUID

from taolun.notifications.reports.models import ReportJob
from taolun.notifications.reports.projection import outbox_key
from taolun.projections.models import OutboxMessage, PlanRow

Path = tuple[str, ...]
DISTRICT: Path = ("gl",)  # 广陵区教育局: its 阶段总结 goes up to the city
BULLETIN_DAYS = 14


def ended_phase(campaign_id: UUID, today: date) -> str:
    """The campaign's phase that ended last before ``today`` (else its first phase)."""
    phases = sorted((PlanRow.objects.get(pk=campaign_id).phases or {}).values(), key=lambda p: p["start"])
    ended = [p for p in phases if p["end"] < today.isoformat()]
    return (ended[-1] if ended else phases[0])["id"]


def load_reports(runtime, ids: dict[Path, UUID], actor_for: Callable[[Path], UUID], campaign_id: UUID,
                 today: date, out: TextIO) -> list[ReportJob]:
    city, district = ids[()], ids[DISTRICT]
    wanted = [
        ("bulletin", city, "pdf", {"period_start": (today - timedelta(days=BULLETIN_DAYS - 1)).isoformat(),
                                   "period_end": today.isoformat()}),
        ("progress_table", city, "pdf", {}),
        ("phase_summary", district, "docx", {"phase_id": ended_phase(campaign_id, today)}),
    ]
    jobs = []
    for kind, unit, fmt, options in wanted:
        job = _job(runtime, kind, unit, fmt, options, actor_for(DISTRICT if unit == district else ()), campaign_id)
        out.write(f"  {job.filename or job.kind}: {job.status}\n")
        jobs.append(job)
    summary = jobs[-1]
    if summary.status == "done" and summary.submitted_to is None:
        runtime.runner.catch_up(runtime.apps.reports.submit(actor_for(DISTRICT), summary.id, to_unit=city))
        summary.refresh_from_db()
    out.flush()
    return jobs


def _job(runtime, kind: str, unit: UUID, fmt: str, options: dict, actor: UUID, campaign_id: UUID) -> ReportJob:
    job = ReportJob.objects.filter(kind=kind, for_unit=unit, format=fmt, campaign_id=campaign_id).order_by(
        "requested_at").first()
    if job is None:
        report_id, nid = runtime.apps.reports.request(actor, for_unit=unit, kind=kind, subject_id=unit, fmt=fmt,
                                                      campaign_id=campaign_id, options=options)
        runtime.runner.catch_up(nid)
        job = ReportJob.objects.get(pk=report_id)
    row = OutboxMessage.objects.filter(key=outbox_key(job.id), done_at__isnull=True).first()
    if row is not None:  # the worker's turn, through the actor a worker runs
        runtime.actors["generate_report"].fn(row.key, row.payload)
        runtime.runner.catch_up()
    job.refresh_from_db()
    return job
