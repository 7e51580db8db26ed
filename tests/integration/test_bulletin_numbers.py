"""A 简报's 期号 counts up per issuing unit, and two requests at once never share a number:
the number is the bulletin's identity in the event store, so the second writer of a number
collides and takes the next one."""

from __future__ import annotations

import threading
import uuid

import pytest

from taolun.events.reports.application import Reports
from taolun.events.reports.report import bulletin_id
from tests.integration.actors import operator

pytestmark = pytest.mark.usefixtures("django_ready")
PERIOD = {"period_start": "2026-03-01", "period_end": "2026-03-31"}


def unit(runtime) -> uuid.UUID:
    node, _ = runtime.tenancy.register_tenant(None, "bureau", uuid.uuid4().hex[:8], "市教育局")
    return node


def bulletin(runtime, ops, node) -> int:
    report_id, _ = runtime.apps.reports.request(ops, for_unit=node, kind="bulletin", subject_id=node,
                                                fmt="pdf", campaign_id=uuid.uuid4(), options=PERIOD)
    return runtime.apps.reports.get_report(report_id).options["issue_no"]


def test_issue_numbers_count_up_per_issuing_unit(runtime):
    ops = operator(runtime)
    city, school = unit(runtime), unit(runtime)
    assert [bulletin(runtime, ops, city) for _ in range(5)] == [1, 2, 3, 4, 5]
    assert bulletin(runtime, ops, school) == 1
    assert bulletin(runtime, ops, city) == 6


def test_a_request_that_loses_the_race_for_a_number_takes_the_next_one(runtime, monkeypatch):
    ops = operator(runtime)
    city = unit(runtime)
    assert bulletin(runtime, ops, city) == 1
    stale = iter([1])  # as if it had looked before the other request stored number 1
    real = Reports.next_issue_no
    monkeypatch.setattr(Reports, "next_issue_no", lambda self, node: next(stale, None) or real(self, node))
    assert bulletin(runtime, ops, city) == 2
    assert [e.options["issue_no"] for e in runtime.apps.reports.events.get(bulletin_id(city, 1))] == [1]


def test_concurrent_requests_get_distinct_numbers(runtime):
    ops = operator(runtime)
    city = unit(runtime)
    start = threading.Barrier(4)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            start.wait()
            numbers.append(bulletin(runtime, ops, city))
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]
