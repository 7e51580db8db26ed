"""The worker's side of a report job: build the document, store it, record the outcome once.

The outbox row (written with ``Report.Requested``) is confirmed here, after the outcome
event is stored, not in one transaction with the work: building a document takes seconds
and must not hold a write transaction (on SQLite it would block every other writer). A
worker killed mid-report leaves the row undone; its lease runs out and the job runs again;
the ``Report`` aggregate records one outcome however many copies run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db import DatabaseError
from django.utils import timezone

from taolun.notifications.reports.build import BUILDERS, ReportUnavailable, Sources
from taolun.notifications.reports.files import report_files
from taolun.notifications.reports.models import ReportJob
from taolun.projections.models import OutboxMessage

log = logging.getLogger("taolun.notifications")


def _progress(report_id: UUID):
    def report(percent: int) -> None:
        ReportJob.objects.filter(pk=report_id, status__in=("queued", "running")).update(
            status="running", progress=max(1, min(99, int(percent))))

    return report


def report_effects(reports: Any, sources: Sources, poke: Callable[[], None]) -> dict[str, Callable]:
    """The effects that confirm their own outbox row, by actor name (wired by the platform:
    ``reports`` is the Reports application, ``sources`` what the builders read besides the
    read models, ``poke`` wakes the projection runner)."""

    def generate_report(key: str, payload: dict[str, Any]) -> None:
        report_id = UUID(payload["report_id"])
        if reports.get_report(report_id).status == "queued":
            _generate(reports, sources, report_id)
            poke()
        OutboxMessage.objects.filter(key=key, done_at__isnull=True).update(done_at=timezone.now())

    return {"generate_report": generate_report}


def _generate(reports: Any, sources: Sources, report_id: UUID) -> None:
    job = ReportJob.objects.get(pk=report_id)
    _progress(report_id)(5)
    reason = ""
    try:
        built = BUILDERS[job.kind](job, _progress(report_id), sources)
    except ReportUnavailable as error:
        reason = str(error)
    except DatabaseError:
        raise  # the database, not the report: the job runs again later
    except Exception as error:
        log.exception("report %s (%s) failed", report_id, job.kind)
        reason = f"生成失败（{type(error).__name__}）"
    if reason:
        reports.record_failed(report_id, reason)
        return
    _progress(report_id)(95)
    blob = report_files().put([built.content], built.filename)
    reports.record_generated(report_id, sha256=blob.sha256, size=blob.size,
                             filename=blob.filename, computed_at=built.computed_at)
