"""The worker's side of a report job: build the document, store it, record the outcome once.

The outbox row (written with ``Report.Requested``) is confirmed here, after the outcome
event is stored, not in one transaction with the work: building a document takes seconds
and must not hold a write transaction (on SQLite it would block every other writer). A
worker killed mid-report leaves the row undone; its lease runs out and the job runs again;
the ``Report`` aggregate records one outcome however many copies run.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.db import DatabaseError
from django.utils import timezone

from taolun.notifications.models import OutboxMessage
from taolun.notifications.reports.build import BUILDERS, ReportUnavailable
from taolun.notifications.reports.files import report_files
from taolun.notifications.reports.models import ReportJob

log = logging.getLogger("taolun.notifications")


def _progress(report_id: UUID):
    def report(percent: int) -> None:
        ReportJob.objects.filter(pk=report_id, status__in=("queued", "running")).update(
            status="running", progress=max(1, min(99, int(percent))))

    return report


def generate_report(key: str, payload: dict[str, Any]) -> None:
    from taolun.platform.runtime import get_runtime

    runtime = get_runtime()
    report_id = UUID(payload["report_id"])
    reports = runtime.apps.reports
    if reports.get_report(report_id).status == "queued":
        job = ReportJob.objects.get(pk=report_id)
        _progress(report_id)(5)
        reason = ""
        try:
            built = BUILDERS[job.kind](job, _progress(report_id))
        except ReportUnavailable as error:
            reason = str(error)
        except DatabaseError:
            raise  # the database, not the report: the job runs again later
        except Exception as error:
            log.exception("report %s (%s) failed", report_id, job.kind)
            reason = f"生成失败（{type(error).__name__}）"
        if reason:
            reports.record_failed(report_id, reason)
        else:
            _progress(report_id)(95)
            blob = report_files().put([built.content], built.filename)
            reports.record_generated(report_id, sha256=blob.sha256, size=blob.size,
                                     filename=blob.filename, computed_at=built.computed_at)
        runtime.runner.poke()
    OutboxMessage.objects.filter(key=key, done_at__isnull=True).update(done_at=timezone.now())


# Effects that confirm their own outbox row (long work outside the dispatcher's transaction).
SELF_CONFIRMING_EFFECTS = {
    "generate_report": generate_report,
}
