"""Auditors read; they write nothing. Every write operation of the OpenAPI document, called
by a user whose only role is auditor at the top of a city, on that city's own objects (so
that no answer is a 404 of a foreign id), answers 403 and appends nothing to the log."""

from __future__ import annotations

import pytest

from tests.e2e.campaign_helpers import PDF, upload
from tests.integration.test_cross_tenant_matrix import City, call, operator

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# Writes an auditor makes on purpose, each for a reason:
ALLOWED = {
    # reading an anonymous author is an auditor's read, recorded as AuthorUnmasked
    ("POST", "/api/v1/suggestions/{suggestion_id}/unmask"),
    # a preview reads a document and stores nothing
    ("POST", "/api/v1/plan-imports/preview"),
    # one's own notice settings and inbox: the auditor's own messages, not the tenant's data
    ("PUT", "/api/v1/me/notice-settings"),
    ("POST", "/api/v1/me/inbox/read-all"),
    ("POST", "/api/v1/me/inbox/{message_id}/read"),
    ("POST", "/api/v1/me/inbox/{message_id}/unread"),
    # a report is a document made of what the caller may read, as an export is
    ("POST", "/api/v1/reports"),
    # regenerating a frozen summary at its position is the same kind of request
    ("POST", "/api/v1/reports/{report_id}/regenerate"),
    # "verify now" recomputes the hash chain: an auditor's own check, nothing in the log
    ("POST", "/api/v1/audit/chain/verifications"),
}


def valid_bodies(home: City) -> dict[tuple[str, str], dict]:
    """Bodies the example maker cannot guess; a body refused as invalid would prove nothing."""
    return {
        ("POST", "/api/v1/users"): {"email": "new.person@school.test", "name": "新人",
                                    "home_id": home.ids["tenant_id"]},
        ("POST", "/api/v1/tenants/{tenant_id}/webhooks"): {"url": "https://hooks.example.cn/x"},
    }

pytestmark = pytest.mark.usefixtures("django_ready")


def write_operations(schema: dict):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if method.upper() in WRITES and (method.upper(), path) not in ALLOWED:
                yield method.upper(), path, op


def test_an_auditor_is_refused_every_write_with_403_and_nothing_is_appended(runtime):
    from taolun.platform.urls import api

    home = City(operator(runtime))
    auditor = home.org.user_with_role(home.org.city, "auditor")
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    bodies = valid_bodies(home)
    head = runtime.apps.recorder.max_notification_id()
    answers = {}
    for method, template, op in write_operations(schema):
        path = template
        for name, value in home.ids.items():
            path = path.replace("{" + name + "}", value)
        if template == "/api/v1/evidence":
            reply = upload(auditor, home.ids["unit_id"], PDF)
        elif (method, template) in bodies:
            reply = auditor.request(method, path, bodies[(method, template)])
        else:
            reply = call(auditor, method, path, op, components, home.ids)
        answers[(method, template)] = (reply.status, reply.code)
    refused = {op: answer for op, answer in answers.items() if answer[0] != 403}
    assert refused == {}, sorted(refused.items())
    assert len(answers) >= 50
    assert runtime.apps.recorder.max_notification_id() == head
