"""The OpenAPI document describes the API as it answers: every operation named (Chinese
summary, English operationId, a tag per area), the allowed values of enumerated fields, and
answers that match their documented shapes."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest

from taolun.events.campaigns.rules import ACTIVITY_KINDS, PROBLEM_CATEGORIES, REQUIREMENT_METRICS
from taolun.platform import sample_plans
from tests.e2e.campaign_helpers import PDF, Campaign, day, ok, upload
from tests.e2e.client import Client, Reply
from tests.e2e.test_plan_import import upload as upload_document

CJK = re.compile(r"[\u4e00-\u9fff]")
SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


@pytest.fixture(scope="module")
def document(anon) -> dict:
    return anon.get("/api/v1/openapi.json").body


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, item in document["paths"].items()
            for method, op in item.items()]


def test_every_operation_has_a_chinese_summary_a_unique_snake_case_id_and_a_tag(document):
    found = operations(document)
    assert len(found) > 60
    for method, path, op in found:
        assert CJK.search(op.get("summary", "")), (method, path, op.get("summary"))
        assert SNAKE.fullmatch(op["operationId"]), (method, path, op["operationId"])
        assert op.get("tags"), (method, path)
    ids = [op["operationId"] for _, _, op in found]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_allowed_values_come_from_the_domain_and_show_in_the_document(document):
    schemas = document["components"]["schemas"]

    def allowed(schema: str, field: str) -> list:
        prop = schemas[schema]["properties"][field]
        options = prop.get("anyOf", [prop])
        return next(o["enum"] for o in options if "enum" in o)

    assert allowed("RequirementIn", "kind") == list(ACTIVITY_KINDS)
    assert allowed("RequirementIn", "metric") == list(REQUIREMENT_METRICS)
    assert allowed("ActivityIn", "kind") == list(ACTIVITY_KINDS)
    assert allowed("ProblemIn", "category") == list(PROBLEM_CATEGORIES)
    assert allowed("TenantIn", "kind") == ["bureau", "school", "branch", "office"]
    assert allowed("GrantIn", "role") == ["admin", "secretary", "inspector", "auditor", "viewer"]
    assert schemas["PhaseIn"]["properties"]["start"]["format"] == "date"


def test_the_api_root_points_at_its_documentation_without_a_token(anon):
    index = anon.get("/api/v1/")
    assert index.status == 200, index.body
    assert index.body["docs"] == "/api/v1/docs" and index.body["openapi"] == "/api/v1/openapi.json"
    assert anon.get(index.body["openapi"]).status == 200


def test_an_unknown_allowed_value_names_its_field_and_appends_nothing(org, ops):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city, publish=False)
    before = ok(city.get(f"/api/v1/plans/{campaign.id}"))["version"]
    reply = city.post(f"/api/v1/plans/{campaign.id}/requirements", {"kind": "跳舞", "metric": "count", "minimum": 1})
    assert reply.status == 422 and reply.code == "invalid_input", reply.body
    assert reply.body["details"]["field"] == "kind"
    assert ok(city.get(f"/api/v1/plans/{campaign.id}"))["version"] == before


def test_evidence_names_its_unit_in_a_form_field(org):
    secretary = org.user_with_role(org.branch_a, "secretary")
    assert ok(upload(secretary, org.branch_a["id"], PDF), 201)["content_type"] == "application/pdf"
    query_only = secretary.post(f"/api/v1/evidence?tenant_id={org.branch_a['id']}", raw=b"--b--\r\n",
                                headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert query_only.status == 422 and query_only.body["details"]["field"] == "tenant_id", query_only.body


class Recorder(Client):
    """A client that keeps every JSON answer below 300 it gets, for checking afterwards."""

    def __init__(self, base_url: str, token: str | None, answers: list) -> None:
        super().__init__(base_url, token)
        self.answers = answers

    def as_(self, token: str | None) -> "Recorder":
        return Recorder(self.base_url, token, self.answers)

    def request(self, method: str, path: str, *args: Any, **kwargs: Any) -> Reply:
        reply = super().request(method, path, *args, **kwargs)
        if reply.status < 300 and isinstance(reply.body, (dict, list)):
            self.answers.append((method, path.split("?")[0], reply.status, reply.body))
        return reply


def documented_schema(document: dict, method: str, path: str, status: int) -> dict:
    for template, item in document["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and method.lower() in item:
            content = item[method.lower()]["responses"][str(status)]["content"]
            return {**content["application/json"]["schema"], "components": document["components"]}
    raise AssertionError(f"{method} {path} is not in the document")


def test_the_answers_of_a_whole_campaign_match_their_documented_shapes(server, ops, document):
    answers: list = []
    recorder = Recorder(server.url, ops.token, answers)
    from tests.e2e.conftest import Org

    org = Org(recorder)
    city, secretary = org.user_with_role(org.city, "admin"), org.user_with_role(org.branch_a, "secretary")
    campaign = Campaign(city, org.city)
    base = f"/api/v1/plans/{campaign.id}"
    plan = ok(city.post(f"{base}/derive", {"tenant_id": org.school_a["id"]}), 201)  # for the school
    # An amendment that conflicts with the school's narrowed phase: a pending upstream change.
    ok(city.patch(f"/api/v1/plans/{plan['id']}/phases/{campaign.p2}", {"end": day(15)}))
    ok(city.post(f"{base}/reopen", {"reason": "调整"}))
    ok(city.patch(f"{base}/phases/{campaign.p2}", {"end": day(10)}))
    ok(city.post(f"{base}/amend", {"summary": "缩短"}))
    pending = ok(city.get(f"/api/v1/plans/{plan['id']}/upstream"))
    assert pending["pending"] and pending["conflicts"] and pending["diff"]["phases"]["changed"]
    evidence = ok(upload(secretary, org.branch_a["id"], PDF), 201)
    activity = ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "专题学习", "title": "学习",
        "start": day(-1), "end": day(-1), "hours": "1.5", "evidence": [evidence]}), 201)
    ok(secretary.post(f"/api/v1/activities/{activity['id']}/correct", {"reason": "补充", "participants": 12}))
    suggestion = ok(secretary.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "title": "献一策", "content": "建议", "anonymous": True}), 201)
    ok(city.get(f"/api/v1/suggestions/{suggestion['id']}"))
    problem = ok(secretary.post("/api/v1/problems", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "description": "学习流于形式", "category": "工作作风"}), 201)
    ok(secretary.post(f"/api/v1/problems/{problem['id']}/rectification", {
        "measures": ["改进"], "lead_leader": "李四", "responsible_units": ["党支部"], "deadline": day(5)}))
    for path in (f"/api/v1/tenants/{org.city['id']}/plans", f"/api/v1/tenants/{org.city['id']}/activities",
                 f"/api/v1/tenants/{org.city['id']}/suggestions", f"/api/v1/tenants/{org.city['id']}/problems",
                 f"/api/v1/tenants/{org.city['id']}/users", f"/api/v1/tenants/{org.city['id']}/subtree",
                 f"/api/v1/campaigns/{campaign.id}/progress/{org.city['id']}",
                 f"/api/v1/campaigns/{campaign.id}/progress/{org.city['id']}/units",
                 f"{base}/children", f"{base}/diff?old=1&new=2", f"/api/v1/plans/{plan['id']}",
                 "/api/v1/me", "/api/v1/me/inbox", f"/api/v1/tenants/{org.city['id']}?depth=3"):
        ok(city.get(path))
    ok(city.request("PUT", f"/api/v1/campaigns/{campaign.id}/progress-settings", {"silent_days": 20}))
    ok(upload_document(recorder, "/api/v1/plan-imports/preview",
                       files={"file": ("plan.txt", sample_plans.read(sample_plans.SCHOOL))}))

    checked = set()
    for method, path, status, body in answers:
        validator = jsonschema_rs.validator_for(documented_schema(document, method, path, status))
        problems = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(body)]
        assert problems == [], (method, path, status, problems[:5])
        checked.add((method, re.sub(r"[0-9a-f-]{36}", "{id}", path)))
    assert len(checked) >= 30
