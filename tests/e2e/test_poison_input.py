"""Hostile input through the API: what a read model cannot store answers 422 and appends
nothing, and an event a projection still cannot apply is parked, shown in /readyz and
retried by an operator with ``taolun parked retry`` while every other write carries on."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import Server
from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.client import Client


def head(ops: Client) -> int:
    return ops.get("/readyz").body["checks"]["projections"]["head"]


def refused(reply, field: str) -> None:
    assert reply.status == 422, reply.body
    assert set(reply.body) == {"code", "message", "details"}, reply.body
    assert field in str(reply.body["details"]), reply.body


def test_a_viewer_cannot_poison_the_read_side_with_a_nul_in_a_suggestion(org, ops):
    city = org.user_with_role(org.city, "admin")
    viewer = org.user_with_role(org.branch_a, "viewer")
    campaign = Campaign(city, org.city)
    before = head(ops)
    reply = viewer.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "title": "建议",
        "content": "前\u0000后",
    })
    refused(reply, "content")
    assert reply.code == "invalid_characters"
    assert head(ops) == before
    # The service carries on: the next write of anyone is applied and the read side is ready.
    ok(viewer.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "title": "建议", "content": "正常",
    }), 201)
    assert ops.get("/readyz").body["status"] == "ready"


@pytest.mark.parametrize("payload, field", [
    ({"name": "名\u0000字"}, "name"),
    ({"name": "名\u0007字"}, "name"),
    ({"name": "x" * 201}, "name"),
])
def test_a_tenant_name_the_directory_cannot_hold_is_refused(org, ops, payload, field):
    before = head(ops)
    refused(ops.patch(f"/api/v1/tenants/{org.branch_a['id']}", payload), field)
    assert head(ops) == before


@pytest.mark.parametrize("payload, field", [
    ({"participants": 2**31}, "participants"),
    ({"participants": 2**63}, "participants"),
    ({"participants": 2**70}, "participants"),
    ({"hours": "123456789"}, "hours"),
    ({"hours": "1.125"}, "hours"),
    ({"hours": 2**64}, "hours"),
    ({"title": "活\ud800动"}, "title"),
])
def test_activity_numbers_and_texts_beyond_their_columns_are_refused(org, ops, payload, field):
    city = org.user_with_role(org.city, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    campaign = Campaign(city, org.city)
    before = head(ops)
    body = {"tenant_id": org.branch_a["id"], "plan_id": campaign.id, "kind": "专题学习",
            "title": "学习", "start": day(-1), "end": day(-1), **payload}
    refused(secretary.post("/api/v1/activities", body), field)
    assert head(ops) == before


def test_a_token_label_with_a_nul_is_refused(org, ops):
    user = ops.post("/api/v1/users", {"email": f"{uuid.uuid4().hex[:8]}@school.test",
                                      "name": "甲", "home_id": org.school_a["id"]}).body
    before = head(ops)
    refused(ops.post(f"/api/v1/users/{user['id']}/tokens", {"label": "api\u0000"}), "label")
    assert head(ops) == before


# A fact a projection cannot apply, appended behind validation's back: a school under a
# parent that is not (yet) in the log. Then the fix: the missing parent.
APPEND = """
import sys, uuid
from taolun.platform.cli import setup_django, migrate
setup_django(); migrate()
from taolun.platform.runtime import get_runtime
from taolun.tenants.domainmodel import Tenant
kind, name, node, parent = sys.argv[1:5]
tenancy = get_runtime().tenancy
print(tenancy.save_all(Tenant(tenant_id=uuid.UUID(node), actor=None, kind=kind,
      code=uuid.uuid4().hex[:8], name=name, parent_id=uuid.UUID(parent) if parent else None)))
"""


def append_tenant(srv: Server, kind: str, name: str, node: uuid.UUID, parent: uuid.UUID | None) -> int:
    done = subprocess.run([sys.executable, "-c", APPEND, kind, name, str(node), str(parent or "")],
                          env=srv.env, capture_output=True, text=True, timeout=120, check=True)
    return int(done.stdout.split()[-1])


def wait_until(check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_parked_event_shows_in_readyz_and_applies_after_the_fix_by_the_operator_cli():
    srv = Server("parked")
    token = srv.start_with_operator("parked.ops@taolun.test")
    try:
        ops, anon = Client(srv.url, token), Client(srv.url)
        missing_parent, school = uuid.uuid4(), uuid.uuid4()
        poison = append_tenant(srv, "school", "孤儿学校", school, missing_parent)

        wait_until(lambda: ops.get("/readyz").status == 503)
        ready = ops.get("/readyz").body
        assert ready["status"] == "not_ready"
        assert ready["checks"]["projections"]["parked"] >= 1
        assert poison in [p["notification_id"] for p in ready["checks"]["projections"]["parked_events"]]
        assert anon.get("/readyz").body == {"status": "not_ready"}

        # Every other write of any tenant still works and is read back at once.
        created = ops.post("/api/v1/tenants", {"kind": "bureau", "code": "after", "name": "之后的局"})
        assert created.status == 201, created.body
        assert ops.get(f"/api/v1/tenants/{created.body['id']}").status == 200

        listed = srv.taolun("parked")
        assert f"notification {poison}" in listed.stdout and "DoesNotExist" in listed.stdout
        ids = [line.split("\t")[0] for line in listed.stdout.splitlines() if f"notification {poison}" in line]
        still = srv.taolun("parked", "retry", ids[0], check=False)
        assert still.returncode == 1 and "still failing" in still.stdout

        append_tenant(srv, "bureau", "补上的局", missing_parent, None)  # the fix
        # the server's runner projects the fix; the parked event is retried after it
        wait_until(lambda: ops.get(f"/api/v1/tenants/{missing_parent}").status == 200)
        retried = srv.taolun("parked", "retry", "--all")
        assert retried.returncode == 0 and "applied" in retried.stdout
        assert srv.taolun("parked").stdout == ""
        wait_until(lambda: ops.get("/readyz").status == 200)
        node = ops.get(f"/api/v1/tenants/{school}")
        assert node.status == 200 and node.body["name"] == "孤儿学校"
    finally:
        srv.stop()
