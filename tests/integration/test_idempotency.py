"""Exactly once for retried writes, decided by the event log: a retry after a crash or a
failure after the commit gets the committed write's answer and appends nothing; a write
that committed never answers 5xx; replays never carry secrets and go only to the same
authenticated user."""

import hashlib
import json
import uuid

import pytest
from django.test import Client

from taolun.platform.api.models import IdempotencyRecord
from taolun.platform.api.routers import users as users_router
from taolun.projections.models import ApiToken, OrgNode
from tests.integration.test_progress_projection import build_city, code, day

pytestmark = pytest.mark.usefixtures("django_ready")


def head(runtime) -> int:
    return runtime.apps.recorder.max_notification_id() or 0


def bearer(runtime, operator: bool = True, home=None) -> tuple[uuid.UUID, str]:
    user_id, _ = runtime.tenancy.register_user(None, f"{code()}@ops.test", "运维", home, is_operator=operator)
    issued = runtime.tenancy.issue_token(None, user_id, label="t")
    runtime.runner.catch_up()
    return user_id, issued.token


class Api:
    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def send(self, method: str, path: str, payload=None, key: str | None = None):
        headers = {}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        response = self.client.generic(method, path, json.dumps(payload or {}),
                                       content_type="application/json", **headers)
        return response.status_code, (json.loads(response.content) if response.content else None), response


@pytest.fixture()
def ops(runtime):
    return Api(bearer(runtime)[1])


@pytest.fixture()
def city(runtime):
    city_id, _ = runtime.tenancy.register_tenant(None, "bureau", code(), "市教育局")
    runtime.runner.catch_up()
    return city_id


def school_payload(city_id) -> dict:
    return {"kind": "school", "code": code(), "name": "实验中学", "parent_id": str(city_id)}


# -- 8.1: the outcome is the log's ----------------------------------------------------------


def test_a_retry_after_a_crash_that_lost_the_answer_gets_the_created_id_and_appends_nothing(runtime, ops, city):
    key = code()
    status, first, _ = ops.send("POST", "/api/v1/tenants", school_payload(city), key)
    assert status == 201
    # The process died after the commit, before the answer was kept: no row survives.
    IdempotencyRecord.objects.filter(key=key).delete()
    before = head(runtime)
    status, again, response = ops.send("POST", "/api/v1/tenants", school_payload(city) | {"code": first["code"]}, key)
    assert (status, again["id"]) == (201, first["id"])
    assert response["Idempotent-Replayed"] == "true"
    assert head(runtime) == before
    assert OrgNode.objects.filter(parent_id=city).count() == 1


def test_a_stale_in_flight_row_does_not_block_a_request_that_never_committed(runtime, city):
    user_id, token = bearer(runtime)
    ops = Api(token)
    key = code()
    payload = school_payload(city)
    # What the old middleware left behind when a request was killed before its command ran
    # (scoped by a hash of the credential then, by the user now).
    body = json.dumps(payload).encode()
    fingerprint = hashlib.sha256(b"POST /api/v1/tenants\n" + body).hexdigest()
    for scope in (hashlib.sha256(f"Bearer {token}".encode()).hexdigest(), str(user_id)):
        IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=fingerprint, status=None)
    status, body, _ = ops.send("POST", "/api/v1/tenants", payload, key)
    assert status == 201 and body["code"] == payload["code"]


def test_two_copies_racing_append_one_effect_and_both_answer_the_created_id(runtime, ops, city):
    """The second copy's command runs while the first commits (its guard then sees the
    first's code): it answers the first's effect, not 409 duplicate_code."""
    key = code()
    payload = school_payload(city)
    answers = []
    real_register = runtime.tenancy.register_tenant

    def first_commits_meanwhile(*args, **kwargs):
        runtime.tenancy.register_tenant = real_register
        answers.append(ops.send("POST", "/api/v1/tenants", payload, key))
        return real_register(*args, **kwargs)

    runtime.tenancy.register_tenant = first_commits_meanwhile
    try:
        second = ops.send("POST", "/api/v1/tenants", payload, key)
    finally:
        runtime.tenancy.register_tenant = real_register
    first = answers[0]
    assert first[0] == second[0] == 201
    assert first[1]["id"] == second[1]["id"]
    assert OrgNode.objects.filter(parent_id=city).count() == 1


def test_a_racing_copy_whose_save_collides_on_the_key_appends_nothing(runtime, ops, city):
    """No guard stops the second rename: its save collides on the request's index."""
    key = code()
    answers = []
    real_rename = runtime.tenancy.rename_tenant

    def first_commits_meanwhile(*args, **kwargs):
        runtime.tenancy.rename_tenant = real_rename
        answers.append(ops.send("PATCH", f"/api/v1/tenants/{city}", {"name": "新名"}, key))
        return real_rename(*args, **kwargs)

    runtime.tenancy.rename_tenant = first_commits_meanwhile
    before = head(runtime)
    try:
        second = ops.send("PATCH", f"/api/v1/tenants/{city}", {"name": "新名"}, key)
    finally:
        runtime.tenancy.rename_tenant = real_rename
    assert answers[0][0] == second[0] == 200
    assert head(runtime) == before + 2  # one rename and its key, once


def test_a_key_reused_for_another_request_is_refused_even_after_its_answer_expired(runtime, ops, city):
    key = code()
    assert ops.send("POST", "/api/v1/tenants", school_payload(city), key)[0] == 201
    IdempotencyRecord.objects.filter(key=key).delete()
    status, body, _ = ops.send("POST", "/api/v1/tenants", school_payload(city), key)
    assert (status, body["code"]) == (422, "idempotency_key_reused")


# -- 8.2: a committed write never answers 5xx -------------------------------------------------


def test_a_write_whose_projection_is_late_answers_202_and_its_retry_the_same_202(runtime, ops, city, monkeypatch):
    key = code()
    payload = {"email": f"{code()}@school.test", "name": "张老师", "home_id": str(city)}
    monkeypatch.setattr(type(runtime), "after_command", lambda self, nid: False)
    status, body, response = ops.send("POST", "/api/v1/users", payload, key)
    assert status == 202 and body["code"] == "accepted"
    assert body["notification_id"] > 0 and response["Location"] == body["status_url"]
    monkeypatch.undo()
    before = head(runtime)
    status, again, response = ops.send("POST", "/api/v1/users", payload, key)
    assert (status, again) == (202, body), again  # the first answer, not 409 duplicate_email
    assert response["Idempotent-Replayed"] == "true"
    assert head(runtime) == before
    runtime.runner.catch_up()  # the server's runner thread, in this in-process test
    applied = ops.send("GET", body["status_url"])
    assert applied[:2] == (200, {"notification_id": body["notification_id"], "applied": True})
    user = ops.send("GET", f"/api/v1/users/{body['created_id']}")
    assert (user[0], user[1]["email"]) == (200, payload["email"])


def test_a_read_back_that_fails_after_the_commit_answers_202_and_the_retry_appends_no_second_event(runtime, ops, city, monkeypatch):
    key = code()
    payload = {"email": f"{code()}@school.test", "name": "李老师", "home_id": str(city)}

    def broken(*args):
        raise RuntimeError("read model connection lost")

    monkeypatch.setattr(users_router, "user_out", broken)
    status, body, _ = ops.send("POST", "/api/v1/users", payload, key)
    assert status == 202 and body["code"] == "accepted" and body["created_id"]
    monkeypatch.undo()
    before = head(runtime)
    status, again, _ = ops.send("POST", "/api/v1/users", payload, key)
    assert (status, again) == (202, body)
    assert head(runtime) == before


def test_a_database_outage_after_the_commit_answers_202_not_503(runtime, ops, city, monkeypatch):
    from django.db import OperationalError

    def outage(*args):
        raise OperationalError("connection to server was lost")

    monkeypatch.setattr(users_router, "user_out", outage)
    payload = {"email": f"{code()}@school.test", "name": "王老师", "home_id": str(city)}
    status, body, _ = ops.send("POST", "/api/v1/users", payload, code())
    assert status == 202 and body["code"] == "accepted" and body["created_id"]


def test_a_committed_write_whose_answer_cannot_be_kept_is_still_answered_and_never_repeated(runtime, ops, city, monkeypatch):
    from django.db import OperationalError

    def outage(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    key, payload = code(), school_payload(city)
    monkeypatch.setattr(IdempotencyRecord.objects, "create", outage)
    status, body, _ = ops.send("POST", "/api/v1/tenants", payload, key)
    assert status == 201, body  # the write committed: never a 5xx for keeping its answer
    monkeypatch.undo()
    before = head(runtime)
    status, again, _ = ops.send("POST", "/api/v1/tenants", payload, key)
    assert (status, again["id"]) == (201, body["id"])  # rebuilt from the log, not run again
    assert head(runtime) == before


def test_a_retried_activity_after_a_failure_after_commit_is_logged_once(runtime, monkeypatch):
    city, schools, _, cid, plan, phase, _ = build_city(runtime)
    runtime.runner.catch_up()
    ops = Api(bearer(runtime)[1])
    payload = {"tenant_id": str(schools[0]), "plan_id": str(plan), "kind": "专题学习",
               "title": "专题学习会", "start": day(-1), "end": day(-1)}
    key = code()
    from taolun.platform.api.routers import activities

    monkeypatch.setattr(activities, "activity_out", lambda row: 1 / 0)
    status, body, _ = ops.send("POST", "/api/v1/activities", payload, key)
    assert status == 202
    monkeypatch.undo()
    before = head(runtime)
    status, again, _ = ops.send("POST", "/api/v1/activities", payload, key)
    assert (status, again) == (202, body)
    assert head(runtime) == before
    logged = [e for e in runtime.campaigns.events.get(originator_id=uuid.UUID(body["created_id"]))]
    assert [type(e).__name__ for e in logged] == ["Logged"]


# -- 7.3: no secrets, same principal, nothing before authentication ---------------------------


def test_a_replayed_token_issue_never_shows_or_stores_the_secret_and_issues_nothing(runtime, ops):
    user_id, _ = bearer(runtime, operator=False)
    key = code()
    status, first, _ = ops.send("POST", f"/api/v1/users/{user_id}/tokens", {"label": "phone"}, key)
    assert status == 201 and first["token"].startswith("tl_")
    kept = IdempotencyRecord.objects.get(key=key)
    assert first["token"].encode() not in bytes(kept.body)
    status, again, _ = ops.send("POST", f"/api/v1/users/{user_id}/tokens", {"label": "phone"}, key)
    assert (status, again["code"]) == (409, "token_shown_once")
    assert again["details"]["token_id"] == first["token_id"] and "token" not in again
    # The answer lost in a crash: still never a second token.
    kept.delete()
    status, again, _ = ops.send("POST", f"/api/v1/users/{user_id}/tokens", {"label": "phone"}, key)
    assert (status, again["code"]) == (409, "token_shown_once")
    assert ApiToken.objects.filter(user_id=user_id, label="phone").count() == 1


def test_a_replay_goes_only_to_the_same_user_and_never_to_a_revoked_token(runtime, city):
    owner_id, token = bearer(runtime)
    owner = Api(token)
    key = code()
    payload = school_payload(city)
    status, first, _ = owner.send("POST", "/api/v1/tenants", payload, key)
    assert status == 201
    # Another user with the same key is another request (and here trips the code guard).
    other = Api(bearer(runtime)[1])
    status, body, _ = other.send("POST", "/api/v1/tenants", payload, key)
    assert (status, body["code"]) == (409, "duplicate_code")
    token_id = ApiToken.objects.filter(user_id=owner_id).get().token_id
    runtime.tenancy.revoke_token(None, owner_id, token_id)
    runtime.runner.catch_up()
    status, body, _ = owner.send("POST", "/api/v1/tenants", payload, key)
    assert (status, body["code"]) == (401, "unauthenticated")


def test_an_unauthenticated_write_with_a_key_writes_nothing(runtime, city):
    before = IdempotencyRecord.objects.count()
    for token in (None, "tl_forged"):
        status, body, _ = Api(token).send("POST", "/api/v1/tenants", school_payload(city), code())
        assert status == 401
    assert IdempotencyRecord.objects.count() == before


def test_a_retried_derive_whose_answer_was_lost_answers_the_derived_plan_not_plan_exists(runtime):
    city, schools, _, cid, plan, phase, _ = build_city(runtime)
    runtime.runner.catch_up()
    ops = Api(bearer(runtime)[1])
    key = code()
    status, first, _ = ops.send("POST", f"/api/v1/plans/{cid}/derive", {"tenant_id": str(schools[1])}, key)
    assert status == 201
    IdempotencyRecord.objects.filter(key=key).delete()
    status, again, _ = ops.send("POST", f"/api/v1/plans/{cid}/derive", {"tenant_id": str(schools[1])}, key)
    assert (status, again["id"]) == (201, first["id"])
    status, other, _ = ops.send("POST", f"/api/v1/plans/{cid}/derive", {"tenant_id": str(schools[1])}, code())
    assert (status, other["code"]) == (409, "plan_exists")
