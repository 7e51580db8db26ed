"""PostgreSQL restarts and outages (issue 8.5, 8.7), on the suite's own PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg

from taolun.platform import sample_plans
from tests.e2e.client import Client
from tests.e2e.test_plan_import import upload
from tests.faults.installation import Installation, until


class PatientClient(Client):
    """Waits as long as a phone client would before giving up: the 503 must come first."""

    timeout = 10.0


def test_with_postgresql_down_api_and_pages_answer_json_503_with_retry_after_then_recover(
    private_pg, private_redis
):
    inst = Installation.on_postgres("outage", private_pg, private_redis.url(3))
    inst.start_all()
    try:
        client = PatientClient(inst.url, inst.operator_token())
        assert client.get("/api/v1/tenants").status == 200
        private_pg.stop()
        try:
            page = PatientClient(inst.url)
            # The landing page needs no database: it stays up through the outage.
            assert page.get("/").status == 200
            saving = upload(page, "/import", fields={"token": client.token, "tenant_id": str(uuid.uuid4())}, files={
                "file": ("plan.txt", sample_plans.read(sample_plans.CITY))})
            for reply in (
                client.get("/api/v1/tenants"),
                client.post("/api/v1/tenants", {"kind": "bureau", "code": "down", "name": "市局"}),
                saving,  # a page that reads the database
            ):
                assert (reply.status, reply.code) == (503, "unavailable"), reply.body
                assert set(reply.body) == {"code", "message", "details"}
                assert int(reply.headers["Retry-After"]) > 0
        finally:
            private_pg.start()
        # No restart of the server: its pools reconnect by themselves.
        assert until(lambda: client.get("/api/v1/tenants").status == 200), inst.logs()
        created = client.post("/api/v1/tenants", {"kind": "bureau", "code": "back", "name": "市局"})
        assert created.status == 201, created.body
    finally:
        inst.stop_all()
        inst.remove()


def test_after_a_postgresql_restart_the_first_requests_already_succeed(private_pg, private_redis):
    # The pooled connections all died with the server: each is noticed before a request
    # gets it (its socket holds the server's goodbye), so none of them answers 503.
    inst = Installation.on_postgres("restart", private_pg, private_redis.url(4))
    inst.start_all()
    try:
        client = Client(inst.url, inst.operator_token())
        assert [client.get("/api/v1/tenants").status for _ in range(5)] == [200] * 5
        client.post("/api/v1/tenants", {"kind": "bureau", "code": "before", "name": "市局"})  # warms the event store's pool
        private_pg.restart()
        answers = [client.get("/api/v1/tenants") for _ in range(5)]
        answers += [client.post("/api/v1/tenants", {"kind": "bureau", "code": f"after{n}", "name": "区局"})
                    for n in range(3)]
        assert [a.status for a in answers] == [200] * 5 + [201] * 3, [a.body for a in answers]
    finally:
        inst.stop_all()
        inst.remove()


def test_the_event_stores_pool_lends_no_connection_a_restart_killed(private_pg):
    from urllib.parse import urlparse

    from taolun.infra.eventstore import PostgresStoreFactory

    url = urlparse(private_pg.create_database(f"store_{uuid.uuid4().hex[:8]}"))
    factory = PostgresStoreFactory({
        "POSTGRES_DBNAME": url.path.lstrip("/"), "POSTGRES_HOST": url.hostname, "POSTGRES_PORT": str(url.port),
        "POSTGRES_USER": url.username or "postgres", "POSTGRES_PASSWORD": "", "POSTGRES_POOL_SIZE": "3",
        "POSTGRES_MAX_OVERFLOW": "2", "POSTGRES_CONNECT_TIMEOUT": "10",
    })
    store = factory.datastore
    try:
        # Three connections in use at once, then back in the pool: all three are killed.
        with store.get_connection() as a, store.get_connection() as b, store.get_connection() as c:
            assert all(conn.execute("SELECT 1").fetchone() for conn in (a, b, c))
        private_pg.restart()
        for _ in range(5):  # every one of them, and new ones after
            with store.get_connection() as conn:
                assert conn.execute("SELECT 1").fetchone()
    finally:
        factory.close()


SCHEDULER_LOCK = 0x7A0_1C0


def lock_holders(inst: Installation, url: str) -> int:
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND objid = %s AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                (SCHEDULER_LOCK,),
            ).fetchone()[0]
    except psycopg.Error:
        return -1


def believers(inst: Installation) -> int:
    """Schedulers whose last word about the lock is that they hold it."""
    count = 0
    for name in ("scheduler#1", "scheduler#2"):
        said = [line for line in inst.log_of(name).read_text().splitlines()
                if "holds the lock" in line or "lost the lock" in line]
        count += bool(said) and "holds the lock" in said[-1]
    return count


def test_two_schedulers_never_both_hold_the_lock_across_postgresql_restarts(private_pg, private_redis):
    inst = Installation.on_postgres("sched", private_pg, private_redis.url(4), split=True)
    url = inst.env["TAOLUN_DATABASE_URL"]
    inst.taolun("migrate")
    inst.start("scheduler#1")
    inst.start("scheduler#2")
    try:
        one_holder = lambda: lock_holders(inst, url) == 1 and believers(inst) == 1  # noqa: E731
        assert until(one_holder), inst.logs()
        for crash in (private_pg.restart, private_pg.kill_postmaster, private_pg.restart):
            crash()
            # The old holder's session is gone: whoever holds the lock now is the only
            # one that believes it does.
            assert until(one_holder), inst.logs()
        assert "lost the lock" in inst.logs(tail=100_000)
    finally:
        inst.stop_all()
        inst.remove()
