"""One scheduler at a time: a lock whose session ended is noticed as lost (issue 8.7)."""

import psycopg
import pytest

from taolun.infra.locks import SingletonLock

pytestmark = pytest.mark.usefixtures("django_ready")


def end_session(lock: SingletonLock, config) -> None:
    """What a PostgreSQL restart does to the lock's session."""
    db = config.database
    with psycopg.connect(dbname=db.name, host=db.host, port=db.port, user=db.user,
                         password=db.password, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (lock._conn.info.backend_pid,))


def test_a_held_lock_keeps_out_a_second_holder_until_released(runtime):
    first, second = SingletonLock(runtime.config, "scheduler"), SingletonLock(runtime.config, "scheduler")
    try:
        assert first.try_acquire() and first.holds()
        assert not second.try_acquire() and not second.holds()
        first.release()
        assert not first.holds() and second.try_acquire() and second.holds()
    finally:
        first.release()
        second.release()


def test_a_lock_whose_session_ended_is_no_longer_held_and_another_may_take_it(runtime):
    first, second = SingletonLock(runtime.config, "scheduler"), SingletonLock(runtime.config, "scheduler")
    try:
        assert first.try_acquire()
        if runtime.config.database.is_postgres:
            end_session(first, runtime.config)
            assert not first.holds()
            assert second.try_acquire() and second.holds()
        else:  # a file lock lives as long as its process: nothing can end it under us
            assert first.holds() and not second.try_acquire()
    finally:
        first.release()
        second.release()
