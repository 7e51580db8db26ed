"""Reminders and notices under faults (issue 12): a worker SIGKILLed in the middle of a
reminder batch loses no reminder and repeats none (each is claimed by its stable key; the
next scan posts the rest); with Redis stopped while commands come in, the commands still
succeed and the outbox drains into the inboxes when Redis returns."""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter

import psycopg
import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.client import Client
from tests.e2e.conftest import Org
from tests.faults.installation import Installation, until

pytestmark = pytest.mark.server

ADMINS_PER_SCHOOL = 50
SCHOOLS = 6


def rows(inst: Installation, sql: str, *args) -> list[tuple]:
    """A read of the installation's read-model database, beside its processes."""
    url = inst.env["TAOLUN_DATABASE_URL"]
    if url:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute(sql.replace("?", "%s"), args).fetchall()
    with sqlite3.connect(inst.data_dir / "readmodels.sqlite3", timeout=10) as conn:
        return conn.execute(sql, args).fetchall()


def chased(inst: Installation) -> list[str]:
    """The recipients of the derive-deadline reminders written so far, one entry per notice."""
    return [str(u).replace("-", "") for (u,) in rows(
        inst, "SELECT user_id FROM notifications_inboxmessage WHERE rule = ?", "derive_deadline")]


def admins(ops: Client, node: dict, n: int) -> list[str]:
    """``n`` admins of ``node`` (no tokens: they never call)."""
    ids = []
    for _ in range(n):
        user = ok(ops.post("/api/v1/users", {"email": f"{uuid.uuid4().hex[:10]}@faults.test", "name": "管理员",
                                             "home_id": node["id"]}), 201)
        ok(ops.post(f"/api/v1/users/{user['id']}/grants", {"node_id": node["id"], "role": "admin"}), 201)
        ids.append(user["id"].replace("-", ""))
    return ids


@pytest.fixture(params=["sqlite", "postgres"])
def reminding(request, private_pg, private_redis):
    """A city whose campaign chases the admins of many schools (a batch of some hundreds)."""
    env = {"TAOLUN_REMINDER_SCAN_SECONDS": "3"}
    if request.param == "postgres":
        inst = Installation.on_postgres("remind", private_pg, private_redis.url(5), split=True, extra_env=env)
    else:
        inst = Installation("remind", extra_env=env)
    inst.start_all()
    try:
        ops = Client(inst.url, inst.operator_token())
        org = Org(ops)
        city = org.user_with_role(org.city, "admin")
        chased_admins = []
        for i in range(SCHOOLS):
            school = org.node(org.district_a, "school", f"学校{i}")
            chased_admins += admins(ops, school, ADMINS_PER_SCHOOL)
        campaign = Campaign(city, org.city, publish=False)
        ok(city.post(f"/api/v1/plans/{campaign.id}/publish", {"derive_deadline": day(5)}))
        yield inst, "web" if request.param == "sqlite" else "worker", chased_admins
    finally:
        inst.stop_all()
        inst.remove()


def test_a_worker_killed_in_the_middle_of_a_reminder_batch_loses_and_repeats_no_reminder(reminding):
    inst, scanner, people = reminding
    assert until(lambda: chased(inst), timeout=120, every=0.02), inst.logs()
    inst.kill(scanner)  # SIGKILL, in the middle of the batch
    at_kill = len(chased(inst))
    mine = set(people)
    assert 0 < len([u for u in chased(inst) if u in mine]) < len(mine), "the kill did not land mid-batch"
    inst.start(scanner)
    assert until(lambda: mine <= set(chased(inst)), timeout=180), inst.logs()
    done = len(chased(inst))
    # let the restarted scanner scan again: nothing new, nothing twice
    scans = lambda: inst.log_of(scanner).read_text(errors="replace").count("reminder scan posted")  # noqa: E731
    before = scans()
    assert until(lambda: scans() >= before + 2, timeout=60), inst.logs()
    told = Counter(chased(inst))
    assert all(told[u] == 1 for u in mine), {u: n for u, n in told.items() if n != 1}
    assert len(chased(inst)) == done >= at_kill
    assert max(told.values()) == 1


def test_with_redis_stopped_commands_still_succeed_and_the_outbox_drains_when_it_returns(private_pg, private_redis):
    inst = Installation.on_postgres("redisdown", private_pg, private_redis.url(6), split=True)
    inst.start_all()
    try:
        ops = Client(inst.url, inst.operator_token())
        org = Org(ops)
        city = org.user_with_role(org.city, "admin")
        districts = [org.user_with_role(org.district_a, "admin"), org.user_with_role(org.district_b, "admin")]
        campaign = Campaign(city, org.city, publish=False)
        private_redis.stop()
        try:
            published = city.post(f"/api/v1/plans/{campaign.id}/publish", {"derive_deadline": day(5)})
            assert published.status == 200, published.body
            derived = districts[0].post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.district_a["id"]})
            assert derived.status == 201, derived.body
            submitted = districts[0].post(f"/api/v1/plans/{derived.body['id']}/submit", {})
            assert submitted.status == 200, submitted.body
            undone = rows(inst, "SELECT count(*) FROM notifications_outboxmessage WHERE done_at IS NULL")[0][0]
            assert undone > 0, inst.logs()  # the effects wait for the broker
        finally:
            private_redis.start()
        assert inst.wait_drained(), inst.logs()
        inboxes = [[m["rule"] for m in ok(d.get("/api/v1/me/inbox"))["items"]] for d in districts]
        assert inboxes[0].count("campaign_published") == 1 and inboxes[1].count("campaign_published") == 1
        assert [m["rule"] for m in ok(city.get("/api/v1/me/inbox"))["items"]].count("plan_submitted") == 1
    finally:
        inst.stop_all()
        inst.remove()
