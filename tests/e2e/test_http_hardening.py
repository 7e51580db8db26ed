"""Issue 7 (item 9): security headers on pages and API, JSON bodies that must be objects, and
a throttle on failed authentication that never locks out a valid token."""

from __future__ import annotations

import pytest

from tests.e2e.client import Client
from tests.e2e.conftest import own_server


@pytest.mark.parametrize("path", ["/", "/import", "/api/v1/docs", "/api/v1/tenants", "/healthz"])
def test_every_answer_carries_the_security_headers(anon, path):
    headers = {k.lower(): v for k, v in anon.get(path).headers.items()}
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("body", [b"[null,null]", b"[]", b'"text"', b"42", b"null"])
def test_a_json_body_that_is_not_an_object_answers_422(org, ops, body):
    admin = org.user_with_role(org.school_a, "admin")
    for client, path in ((admin, f"/api/v1/users/{admin.user['id']}/tokens"), (ops, "/api/v1/tenants"),
                         (admin, f"/api/v1/tenants/{org.school_a['id']}")):
        reply = client.request("POST" if not path.endswith(org.school_a["id"]) else "PATCH", path, raw=body)
        assert (reply.status, reply.code) == (422, "json_object_required"), (path, reply.body)
    assert len(ops.get(f"/api/v1/users/{admin.user['id']}/tokens").body) == 1


@pytest.fixture(scope="module")
def strict_server():
    with own_server("auththrottle", TAOLUN_AUTH_FAILURES_PER_MINUTE="5") as srv:
        yield srv


def test_a_keyed_write_with_a_bad_token_counts_once_towards_the_failure_limit():
    # The idempotency middleware and the view both authenticate a keyed write.
    with own_server("authonce", TAOLUN_AUTH_FAILURES_PER_MINUTE="5") as srv:
        guesser = Client(srv.url, "tl_guess")
        answers = [guesser.request("POST", "/api/v1/tenants", {"kind": "bureau", "code": "x", "name": "局"},
                                   headers={"Idempotency-Key": f"k{n}"}).status for n in range(6)]
        assert answers == [401] * 5 + [429]


def test_failed_authentication_is_throttled_per_ip_but_a_valid_token_still_works(strict_server):
    token = strict_server.taolun("operator", "create", "ops@throttle.test").stdout.strip()
    guesser = Client(strict_server.url, "tl_guess")
    answers = [guesser.get("/api/v1/tenants").status for _ in range(8)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    assert guesser.get("/api/v1/tenants").code == "auth_throttled"
    assert Client(strict_server.url, token).get("/api/v1/tenants").status == 200
