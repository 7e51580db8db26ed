"""A bearer token's principal is kept per process between requests (keyed by the org
projection's position): whatever changes a user's access still shows on the very next
request, and a token still stops at its expiry."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.integration.test_idempotency import Api, bearer, code


def test_a_token_is_refused_once_it_expires_though_its_user_was_just_served(runtime, monkeypatch):
    _, token = bearer(runtime)
    api = Api(token)
    assert api.send("GET", "/api/v1/me")[0] == 200
    assert api.send("GET", "/api/v1/me")[0] == 200  # now from the kept principal
    later = timezone.now() + timedelta(days=91)  # tokens live 90 days
    monkeypatch.setattr(timezone, "now", lambda: later)
    status, body, _ = api.send("GET", "/api/v1/me")
    assert (status, body["code"]) == (401, "unauthenticated")


def test_a_role_granted_or_revoked_applies_on_the_next_request(runtime):
    school_id, _ = runtime.tenancy.register_tenant(None, "bureau", code(), "市教育局")
    user_id, token = bearer(runtime, operator=False)
    api = Api(token)
    path = f"/api/v1/tenants/{school_id}"
    assert api.send("GET", path)[0] == 404  # not theirs: as if missing
    runtime.tenancy.grant_role(None, user_id, school_id, "admin")
    runtime.runner.catch_up()
    assert api.send("GET", path)[0] == 200
    runtime.tenancy.revoke_role(None, user_id, school_id, "admin")
    runtime.runner.catch_up()
    assert api.send("GET", path)[0] == 404
