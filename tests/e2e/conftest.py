import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import Server

from tests.e2e.client import Client


@pytest.fixture(scope="session")
def ops(server, operator_token) -> Client:
    return Client(server.url, operator_token)


@pytest.fixture(scope="session")
def anon(server) -> Client:
    return Client(server.url)


@contextmanager
def own_server(label: str, **env: str) -> Iterator[Server]:
    """A server of its own (its own data and database) with extra environment."""
    srv = Server(label, env)
    srv.taolun("migrate")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Org:
    """A city with two districts, a school each, a branch under one school, and users."""

    def __init__(self, ops: Client) -> None:
        self.ops = ops
        self.city = self.node(None, "bureau", "扬州市教育局")
        self.district_a = self.node(self.city, "bureau", "广陵区教育局")
        self.district_b = self.node(self.city, "bureau", "邗江区教育局")
        self.school_a = self.node(self.district_a, "school", "实验中学")
        self.school_b = self.node(self.district_b, "school", "邗江中学")
        self.branch_a = self.node(self.school_a, "branch", "第一党支部")

    def node(self, parent: dict | None, kind: str, name: str) -> dict:
        payload = {"kind": kind, "code": unique(kind), "name": name}
        if parent:
            payload["parent_id"] = parent["id"]
        reply = self.ops.post("/api/v1/tenants", payload)
        assert reply.status == 201, reply.body
        return reply.body

    def user_with_role(self, node: dict, role: str) -> Client:
        reply = self.ops.post(
            "/api/v1/users",
            {"email": f"{unique('u')}@school.test", "name": "测试用户", "home_id": node["id"]},
        )
        assert reply.status == 201, reply.body
        user = reply.body
        granted = self.ops.post(f"/api/v1/users/{user['id']}/grants", {"node_id": node["id"], "role": role})
        assert granted.status == 201, granted.body
        token = self.ops.post(f"/api/v1/users/{user['id']}/tokens", {"label": "test"})
        assert token.status == 201, token.body
        client = self.ops.as_(token.body["token"])
        client.user = user  # type: ignore[attr-defined]
        return client


@pytest.fixture()
def org(ops) -> Org:
    return Org(ops)
