"""A report job records exactly one outcome, however often its actor runs or dies."""

from __future__ import annotations

import uuid

import pytest

from taolun.events.reports.report import Report
from taolun.projections.models import OutboxMessage
from taolun.notifications.reports import build
from taolun.notifications.reports.models import ReportJob
from taolun.notifications.reports.projection import outbox_key
from tests.integration.actors import operator

pytestmark = pytest.mark.usefixtures("django_ready")


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


def requested(runtime) -> tuple[uuid.UUID, dict]:
    ops = operator(runtime)
    city, _ = runtime.tenancy.register_tenant(None, "bureau", uuid.uuid4().hex[:8], "市教育局")
    report_id, nid = runtime.apps.reports.request(
        ops, for_unit=city, kind="activity_ledger", subject_id=city, fmt="xlsx",
        campaign_id=uuid.uuid4())
    runtime.runner.catch_up(nid)
    row = OutboxMessage.objects.get(key=outbox_key(report_id))
    return report_id, {"key": row.key, "payload": row.payload}


def outcomes(runtime, report_id) -> list[type]:
    return [type(e) for e in runtime.apps.reports.events.get(report_id)
            if isinstance(e, (Report.Generated, Report.Failed))]


def run_actor(runtime, message: dict) -> None:
    runtime.actors["generate_report"].fn(message["key"], message["payload"])
    runtime.runner.catch_up()


def test_a_worker_killed_mid_report_and_retried_twice_yields_one_generated_event(runtime, monkeypatch):
    report_id, message = requested(runtime)
    real = build.BUILDERS["activity_ledger"]

    def dies_halfway(job, progress, sources):
        progress(50)
        raise Killed()

    monkeypatch.setitem(build.BUILDERS, "activity_ledger", dies_halfway)
    with pytest.raises(Killed):
        run_actor(runtime, message)
    job = ReportJob.objects.get(pk=report_id)
    assert (job.status, job.progress) == ("running", 50)
    assert OutboxMessage.objects.get(key=message["key"]).done_at is None  # its lease re-sends it
    monkeypatch.setitem(build.BUILDERS, "activity_ledger", real)
    run_actor(runtime, message)
    run_actor(runtime, message)  # a duplicate delivery of the same message
    assert outcomes(runtime, report_id) == [Report.Generated]
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and len(job.sha256) == 64
    assert OutboxMessage.objects.get(key=message["key"]).done_at is not None


def test_two_workers_racing_to_record_the_outcome_store_it_once(runtime):
    report_id, _ = requested(runtime)
    reports = runtime.apps.reports
    first = reports.get_report(report_id)
    second = reports.get_report(report_id)  # read before the first one saved
    first.generated(sha256="a" * 64, size=1, filename="a.xlsx", computed_at=1)
    reports.save_all(first)
    second.generated(sha256="b" * 64, size=1, filename="b.xlsx", computed_at=1)
    from eventsourcing.persistence import IntegrityError

    with pytest.raises(IntegrityError):
        reports.save_all(second)
    assert reports.record_generated(report_id, sha256="c" * 64, size=1, filename="c.xlsx", computed_at=1) is None
    assert reports.record_failed(report_id, "late") is None
    assert outcomes(runtime, report_id) == [Report.Generated]


def test_a_failed_report_keeps_its_reason_and_is_not_generated_by_a_retry(runtime, monkeypatch):
    report_id, message = requested(runtime)

    def unavailable(job, progress, sources):
        raise build.ReportUnavailable("单位不存在")

    monkeypatch.setitem(build.BUILDERS, "activity_ledger", unavailable)
    run_actor(runtime, message)
    monkeypatch.undo()
    run_actor(runtime, message)
    assert outcomes(runtime, report_id) == [Report.Failed]
    job = ReportJob.objects.get(pk=report_id)
    assert (job.status, job.reason) == ("failed", "单位不存在")
