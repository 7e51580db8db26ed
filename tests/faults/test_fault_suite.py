"""The short fault suite (issue 8): a few SIGKILLs of each kind under load, on SQLite and
on PostgreSQL + Redis, then the ledger is checked against the log and the read models.
The long run: ``python -m tests.faults.run --long`` (docs/faults.md)."""

from __future__ import annotations

import pytest

from tests.faults.checks import Figures
from tests.faults.scenarios import embedded_serve_killed, split_processes_on_postgres

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def sqlite_run() -> Figures:
    return embedded_serve_killed(rounds=2)


@pytest.fixture(scope="module")
def postgres_run(private_pg, private_redis) -> Figures:
    return split_processes_on_postgres(private_pg, private_redis, rounds=1)


def test_killing_taolun_serve_on_sqlite_loses_duplicates_and_breaks_nothing(sqlite_run):
    assert sqlite_run.acknowledged > 0
    assert sqlite_run.failures() == [], sqlite_run.notes


def test_killing_every_process_redis_and_postgres_loses_duplicates_and_breaks_nothing(postgres_run):
    assert postgres_run.acknowledged > 0 and postgres_run.faults >= 8
    assert postgres_run.failures() == [], postgres_run.notes


def test_retried_keys_after_a_killed_serve_get_their_first_answer_and_none_is_stuck(sqlite_run):
    assert sqlite_run.idempotency_failures() == [], sqlite_run.notes


def test_retried_keys_under_every_fault_get_their_first_answer_and_no_committed_write_answers_5xx(postgres_run):
    assert postgres_run.idempotency_failures() == [], postgres_run.notes
