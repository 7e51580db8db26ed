"""Malformed requests answer a 4xx with the usual error body, never a 500: lone surrogates in
JSON, negative or beyond-64-bit offsets, limits, versions and ids, multipart without a
boundary, NUL in query parameters and paths."""

from __future__ import annotations

import pytest

from tests.e2e.campaign_helpers import Campaign

HUGE = str(2**64)


def error_body(reply, status: int) -> None:
    assert reply.status == status, (reply.status, reply.body)
    assert set(reply.body) == {"code", "message", "details"}, reply.body


@pytest.fixture
def campaign(org):
    city = org.user_with_role(org.city, "admin")
    return city, Campaign(city, org.city)


@pytest.mark.parametrize("query", [
    "offset=-1", f"offset={HUGE}", f"offset={2**70}", f"limit={HUGE}", "limit=-1",
])
def test_an_offset_or_limit_out_of_range_is_refused(org, ops, query):
    tenant = org.city["id"]
    for path in ("/api/v1/tenants", f"/api/v1/tenants/{tenant}/subtree",
                 f"/api/v1/tenants/{tenant}/activities", f"/api/v1/tenants/{tenant}/suggestions",
                 f"/api/v1/tenants/{tenant}/problems", f"/api/v1/tenants/{tenant}/plans",
                 f"/api/v1/tenants/{tenant}/users"):
        error_body(ops.get(f"{path}?{query}"), 422)


@pytest.mark.parametrize("query", [f"version={HUGE}", "version=-1", f"version={2**31}"])
def test_a_plan_version_out_of_range_is_refused(campaign, query):
    city, plan = campaign
    error_body(city.get(f"/api/v1/plans/{plan.id}?{query}"), 422)
    error_body(city.get(f"/api/v1/plans/{plan.id}/diff?old=1&new={HUGE}"), 422)


@pytest.mark.parametrize("if_match", ["²", HUGE, "-1", "1e3"])
def test_an_if_match_that_is_not_a_version_is_refused(campaign, if_match):
    city, plan = campaign
    reply = city.patch(f"/api/v1/plans/{plan.id}", {"slogan": "口号"}, headers={"If-Match": if_match})
    error_body(reply, 422)


def test_an_expected_version_beyond_64_bits_is_refused(campaign):
    city, plan = campaign
    error_body(city.patch(f"/api/v1/plans/{plan.id}", {"slogan": "口号", "expected_version": 2**64}), 422)


def test_an_inbox_message_id_beyond_64_bits_is_refused(ops):
    error_body(ops.post(f"/api/v1/me/inbox/{2**64}/read"), 422)
    error_body(ops.post("/api/v1/me/inbox/-1/read"), 422)


@pytest.mark.parametrize("raw", [
    b'{"kind": "bureau", "code": "c1", "name": "\\ud800"}',
    b'{"kind": "\\ud800", "code": "c2", "name": "x"}',
    b'{"kind": "bureau", "code": "c3", "name": "x", "parent_id": "\\udfff"}',
])
def test_lone_surrogates_in_json_text_are_refused(ops, raw):
    error_body(ops.post("/api/v1/tenants", raw=raw), 422)


def test_lone_surrogates_in_a_list_of_ids_are_refused(org, campaign):
    city, plan = campaign
    viewer = org.user_with_role(org.branch_a, "viewer")
    reply = viewer.post("/api/v1/suggestions", raw=(
        '{"tenant_id": "%s", "plan_id": "%s", "title": "t", "content": "c", "topic_ids": ["\\ud800"]}'
        % (org.branch_a["id"], plan.id)).encode())
    error_body(reply, 422)


@pytest.mark.parametrize("path", ["/api/v1/evidence", "/api/v1/plan-imports/preview"])
def test_multipart_without_a_boundary_is_a_bad_request(org, ops, path):
    reply = ops.post(path.format(tenant=org.branch_a["id"]), raw=b"--x\r\n\r\n",
                     headers={"Content-Type": "multipart/form-data"})
    assert 400 <= reply.status < 500, (reply.status, reply.body)
    assert set(reply.body) == {"code", "message", "details"}, reply.body


@pytest.mark.parametrize("path", [
    "/api/v1/tenants?q=a%00b",
    "/api/v1/tenants?kind=%00",
    "/api/v1/tenants/{tenant}/activities?status=x%00",
    "/api/v1/tenants/{tenant}/plans?status=%00",
    "/api/v1/evidence/{nul64}",
])
def test_nul_in_a_query_parameter_or_path_is_refused(org, ops, path):
    reply = ops.get(path.format(tenant=org.city["id"], nul64="a" * 63 + "%00"))
    error_body(reply, 422)
    assert reply.body["code"] == "invalid_characters"


def test_nul_in_a_token_id_path_is_refused(org, ops):
    user = org.user_with_role(org.branch_a, "viewer").user
    error_body(ops.delete(f"/api/v1/users/{user['id']}/tokens/ab%00cd"), 422)
