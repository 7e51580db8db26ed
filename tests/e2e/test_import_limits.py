"""Issue 7 (item 4): the /import page cannot be used to stop the service: a zip bomb is
refused by its inflated size, previews are throttled per IP, parsing runs in worker
processes, and /healthz answers while big previews run."""

from __future__ import annotations

import threading
import urllib.request

import pytest

from tests.e2e.client import Client
from tests.e2e.conftest import own_server
from taolun.platform import sample_plans
from tests.e2e.test_plan_import import sample, upload
from tests.unit.plan_import.test_reading_documents import zip_bomb


@pytest.fixture(scope="module")
def import_server():
    with own_server("importlimits", TAOLUN_IMPORT_PREVIEWS_PER_MINUTE="12") as srv:
        yield srv


def test_a_zip_bomb_is_refused_with_a_clear_error_on_the_page(import_server):
    from taolun.events.plan_import.decode import MAX_INFLATED_BYTES

    reply = upload(Client(import_server.url), "/import", files={"file": ("plan.docx", zip_bomb(MAX_INFLATED_BYTES + 1))})
    assert reply.status == 413 and "too_large" in reply.body and "压缩炸弹" in reply.body


def test_healthz_answers_while_big_previews_run_and_no_preview_fails_with_5xx(import_server):
    big = (sample(sample_plans.CITY).decode("utf-8") * 400).encode()  # ~870k chars
    anon = Client(import_server.url)
    answers: list[int] = []
    started = threading.Barrier(7)

    def preview() -> None:
        started.wait()
        answers.append(upload(anon, "/import", files={"file": ("big.txt", big)}).status)

    threads = [threading.Thread(target=preview) for _ in range(6)]
    for thread in threads:
        thread.start()
    started.wait()
    health = []
    while any(t.is_alive() for t in threads) or not health:
        with urllib.request.urlopen(import_server.url + "/healthz", timeout=30) as response:
            health.append(response.status)
    for thread in threads:
        thread.join()
    assert set(health) == {200}
    assert len(answers) == 6 and set(answers) <= {200, 429}
    assert 200 in answers


def test_previews_are_throttled_per_ip(import_server):
    anon = Client(import_server.url)
    statuses = [upload(anon, "/import", fields={"text": "关于开展大讨论活动的实施方案"}).status for _ in range(14)]
    assert 429 in statuses and statuses[0] != 429
