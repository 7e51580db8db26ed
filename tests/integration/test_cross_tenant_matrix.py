"""The cross-tenant matrix (issue 7), generated from the OpenAPI document.

Every operation with an id in its path × every role (held at the top of the caller's own
city) × {another city's object, a random missing id}: the two answers must be identical
(status, code, message, body apart from the ids themselves), and nothing may be appended
to the event log. Runs in-process through Django's test client (the whole middleware and
API stack, no sockets), on the backend of the current leg.
"""

from __future__ import annotations

import json
import re
from collections import Counter
import uuid
from typing import Any

import pytest
from django.test import Client as DjangoClient

from tests.e2e.campaign_helpers import PDF, Campaign, day, ok, upload
from tests.e2e.client import Client, Reply
from tests.e2e.conftest import Org

ROLES = ("admin", "secretary", "inspector", "auditor", "viewer")
PATH_PARAM = re.compile(r"{(\w+)}")


class InProcess(Client):
    """The e2e helpers' client over Django's test client."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__("", token)
        self.django = DjangoClient(raise_request_exception=False)

    def as_(self, token: str | None) -> "InProcess":
        return InProcess(token)

    def request(self, method: str, path: str, payload: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        headers = dict(headers or {})
        content_type = headers.pop("Content-Type", "application/json")
        data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else b"")
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.django.generic(method, path, data=data, content_type=content_type, headers=headers)
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = response.content.decode("utf-8", "replace")
        return Reply(response.status_code, body, dict(response.headers))


def operator(runtime) -> InProcess:
    email = f"ops-{uuid.uuid4().hex[:8]}@matrix.test"
    user_id, _ = runtime.tenancy.register_user(None, email, "运维", None, is_operator=True)
    issued = runtime.tenancy.issue_token(None, user_id, "matrix")
    runtime.after_command(issued.notification_id)
    return InProcess(issued.token)


class City:
    """A city with one object of every kind, each reachable by a path id."""

    def __init__(self, ops: InProcess) -> None:
        from taolun.notifications.models import InboxMessage

        self.org = org = Org(ops)
        city_admin = org.user_with_role(org.city, "admin")
        school_admin = org.user_with_role(org.school_a, "admin")
        secretary = org.user_with_role(org.branch_a, "secretary")
        self.campaign = Campaign(city_admin, org.city)
        plan = ok(school_admin.post(f"/api/v1/plans/{self.campaign.id}/derive", {"tenant_id": org.school_a["id"]}), 201)
        evidence = ok(upload(secretary, org.branch_a["id"], PDF + uuid.uuid4().bytes), 201)
        activity = ok(secretary.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "专题学习", "title": "学习",
            "start": day(-1), "end": day(-1), "evidence": [evidence]}), 201)
        suggestion = ok(secretary.post("/api/v1/suggestions", {
            "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "title": "建议", "content": "内容",
            "anonymous": True}), 201)
        problem = ok(secretary.post("/api/v1/problems", {
            "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "description": "问题", "category": "思想观念"}), 201)
        token_id = ok(ops.get(f"/api/v1/users/{secretary.user['id']}/tokens"))[0]["token_id"]
        report = ok(school_admin.post("/api/v1/reports", {
            "kind": "activity_ledger", "subject_id": org.school_a["id"], "campaign_id": self.campaign.id,
            "format": "xlsx"}), 202)
        message = InboxMessage.objects.create(
            key=f"matrix-{uuid.uuid4()}", user_id=secretary.user["id"], subject="s", body="b")
        webhook = ok(school_admin.post(f"/api/v1/tenants/{org.school_a['id']}/webhooks",
                                       {"url": "https://hooks.example.cn/x"}), 201)
        self.ids = {
            "tenant_id": org.school_a["id"], "node_id": org.school_a["id"], "unit_id": org.branch_a["id"],
            "user_id": secretary.user["id"], "token_id": token_id, "message_id": str(message.id),
            "webhook_id": str(webhook["id"]), "plan_id": plan["id"], "campaign_id": self.campaign.id,
            "topic_id": self.campaign.optional, "phase_id": self.campaign.p2, "task_id": self.campaign.task,
            "requirement_id": self.campaign.study, "activity_id": activity["id"],
            "suggestion_id": suggestion["id"], "problem_id": problem["id"], "sha256": evidence["sha256"],
            "report_id": report["id"],
        }


def missing_ids() -> dict[str, str]:
    ids = {name: str(uuid.uuid4()) for name in (
        "tenant_id", "node_id", "unit_id", "user_id", "plan_id", "campaign_id", "topic_id", "phase_id",
        "task_id", "requirement_id", "activity_id", "suggestion_id", "problem_id", "report_id")}
    return {**ids, "token_id": uuid.uuid4().hex[:16], "message_id": str(10**9 + uuid.uuid4().int % 10**6),
            "webhook_id": str(10**9 + uuid.uuid4().int % 10**6),
            "sha256": uuid.uuid4().hex * 2}


# -- bodies from the OpenAPI schemas -------------------------------------------------------


def example(schema: dict, components: dict, home: dict[str, str]) -> Any:
    """A value the schema accepts (as far as its types tell), the same for both variants."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components, home)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], components, home) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {name: example(sub, components, home) for name, sub in schema.get("properties", {}).items()
                if name in required}
    if kind == "array":
        return []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    return {"uuid": home["tenant_id"], "date": day(0), "date-time": f"{day(0)}T09:00:00"}.get(fmt, "示例")


# Path parameters that name no tenant's object: a write's position in the one global log
# (GET /writes/{notification_id} tells only whether the read side has applied it); a run of
# the audit chain's verification (the chain is the whole log's, shown to auditors and admins
# of any unit: tests/integration/test_audit_chain_pages.py).
NOT_OBJECTS = {"notification_id", "verification_id"}


def operations(schema: dict):
    for path, ops in schema["paths"].items():
        params = PATH_PARAM.findall(path)
        if params and not NOT_OBJECTS & set(params):
            for method, op in ops.items():
                yield method.upper(), path, params, op


def call(client: InProcess, method: str, path: str, op: dict, components: dict, home: dict) -> Reply:
    query = "&".join(f"{p['name']}=1" for p in op.get("parameters", []) if p["in"] == "query" and p.get("required"))
    url = path + (f"?{query}" if query else "")
    content = op.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        boundary = uuid.uuid4().hex
        raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n关于开展大讨论活动的实施方案\r\n"
               f"--{boundary}--\r\n").encode()
        return client.request(method, url, raw=raw, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if "application/json" in content:
        return client.request(method, url, example(content["application/json"]["schema"], components, home))
    return client.request(method, url)


def normalised(reply: Reply, ids: dict[str, str]) -> tuple[int, str]:
    text = json.dumps(reply.body, ensure_ascii=False, sort_keys=True)
    for value in sorted(ids.values(), key=len, reverse=True):
        # A short id (an inbox message's number, "8") is replaced only as a whole JSON string:
        # anywhere else it would also rewrite "at least 8 characters".
        text = text.replace(value, "<id>") if len(value) >= 16 else text.replace(f'"{value}"', '"<id>"')
    return reply.status, text


pytestmark = pytest.mark.usefixtures("django_ready")


def test_foreign_and_missing_ids_answer_alike_for_every_operation_and_role(runtime):
    from taolun.platform.urls import api

    ops = operator(runtime)
    home, foreign = City(ops), City(ops)
    callers = {role: home.org.user_with_role(home.org.city, role) for role in ROLES}
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    head = runtime.apps.recorder.max_notification_id()

    requests, differences, statuses = 0, [], Counter()
    for method, template, params, op in operations(schema):
        missing = missing_ids()
        for role, client in callers.items():
            answers = []
            for ids in (foreign.ids, missing):
                path = template
                for name in params:
                    path = path.replace("{" + name + "}", ids[name])
                answers.append(normalised(call(client, method, path, op, components, home.ids), ids))
                requests += 1
            statuses[answers[0][0]] += 1
            if answers[0] != answers[1]:
                differences.append((method, template, role, answers))
            assert answers[0][0] < 500, (method, template, role, answers[0])

    print(f"\ncross-tenant matrix: {requests} requests, {len(differences)} differences, "
          f"foreign answers by status {dict(statuses)}")
    assert differences == []
    assert requests >= 60 * len(ROLES) * 2
    assert runtime.apps.recorder.max_notification_id() == head  # nothing was appended
