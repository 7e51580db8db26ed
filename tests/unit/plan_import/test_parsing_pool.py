"""Documents are parsed in worker processes with a time limit; an overrun is stopped and
the pool recovers; refusals keep their code; too many parses in flight answer 'busy'."""

from __future__ import annotations

import pytest

from taolun.events.plan_import import ImportRejected
from taolun.platform.parsing import ParserBusy, ParseTimeout, ParsingPool
from taolun.platform import sample_plans

SEED = sample_plans.read(sample_plans.CITY).decode("utf-8")


@pytest.fixture()
def pool():
    pool = ParsingPool(processes=1, timeout=60)
    yield pool
    pool.close()


def test_a_parse_that_overruns_its_time_is_stopped_and_the_pool_recovers(pool):
    huge = (SEED * 400).encode()  # ~870,000 characters: legal, but far beyond a tiny limit
    pool.timeout = 0.05
    with pytest.raises(ParseTimeout) as caught:
        pool.extract(huge, "plan.txt")
    assert (caught.value.code, caught.value.status) == ("parse_timeout", 422)
    pool.timeout = 60
    assert pool.extract(SEED.encode(), "plan.txt")["phases"]


def test_a_refusal_in_a_worker_keeps_its_code_and_status(pool):
    with pytest.raises(ImportRejected) as caught:
        pool.extract(b"\x89PNG\r\n\x1a\n" + bytes(200), "x.png")
    assert (caught.value.code, caught.value.status) == ("not_a_document", 415)


def test_parses_beyond_the_in_flight_limit_answer_busy_at_once(pool):
    for _ in range(pool.processes * 2):
        assert pool._slots.acquire(blocking=False)
    with pytest.raises(ParserBusy) as caught:
        pool.extract(SEED.encode(), "plan.txt")
    assert caught.value.status == 429
