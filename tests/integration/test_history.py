"""The auditor's history over HTTP (in process, the whole middleware and API stack): every
event of a subtree with names and labels, its filters, a cursor bound to its query, the
exports, the reads recorded, and 404 for anyone who is not an auditor there."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.integration.test_cross_tenant_matrix import InProcess, operator
from tests.e2e.conftest import Org


@pytest.fixture()
def story(runtime):
    """A city where a school derives a plan and a branch logs an activity and an anonymous
    suggestion; an auditor on district A (above the school), one on district B."""
    org = Org(operator(runtime))
    city_admin = org.user_with_role(org.city, "admin")
    school_admin = org.user_with_role(org.school_a, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    campaign = Campaign(city_admin, org.city)
    plan = ok(school_admin.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.school_a["id"]}), 201)
    activity = ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "专题学习", "title": "=学习党章",
        "start": day(-1), "end": day(-1)}), 201)
    ok(secretary.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "title": "建议", "content": "内容",
        "anonymous": True}), 201)
    auditor = org.user_with_role(org.district_a, "auditor")
    other_auditor = org.user_with_role(org.district_b, "auditor")
    city_auditor = org.user_with_role(org.city, "auditor")
    return type("Story", (), dict(org=org, plan=plan, activity=activity, auditor=auditor,
                                   other_auditor=other_auditor, city_auditor=city_auditor,
                                   school_admin=school_admin, secretary=secretary, campaign=campaign))


def history(client, node: dict, query: str = "") -> dict:
    return ok(client.get(f"/api/v1/tenants/{node['id']}/history{query}"))


def export(client: InProcess, node: dict, query: str) -> tuple[int, str, bytes]:
    response = client.django.get(f"/api/v1/tenants/{node['id']}/history/export{query}",
                                 headers={"Authorization": f"Bearer {client.token}"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.headers.get("Content-Type", ""), body


def test_an_auditor_reads_every_event_of_the_subtree_with_names_and_chinese_labels(story):
    from taolun.platform.api.routers.history import HistoryPageOut

    page = history(story.auditor, story.org.district_a, "?limit=200")
    HistoryPageOut.model_validate(page)  # the documented shape
    types = [e["event_type"] for e in page["items"]]
    assert "Activity.Logged" in types and "Plan.Created" in types and "Tenant.Registered" in types
    positions = [e["position"] for e in page["items"]]
    assert positions == sorted(positions, reverse=True)
    logged = next(e for e in page["items"] if e["event_type"] == "Activity.Logged")
    assert logged["event"] == "登记活动" and logged["object"] == "活动记录"
    assert logged["unit"] == "第一党支部" and logged["actor"] == "测试用户"
    assert logged["time"].endswith("+08:00")
    assert {"label": "标题", "name": "title", "value": "=学习党章"} in logged["fields"]
    shown = {f["name"]: f["value"] for f in logged["fields"]}
    assert shown["plan_id"] == story.plan["header"]["title"]  # names, not ids
    granted = next(e for e in page["items"] if e["event_type"] == "User.RoleGranted"
                   and e["object_id"] == story.auditor.user["id"])
    assert {f["name"]: f["value"] for f in granted["fields"]} == {"node_id": "广陵区教育局", "role": "审计员"}
    # nothing of district B's subtree
    assert story.org.school_b["id"] not in {e["unit_id"] for e in page["items"]}


def test_the_author_of_an_anonymous_suggestion_stays_hidden_in_the_history(story):
    page = history(story.auditor, story.org.district_a, "?event_type=Suggestion.Submitted")
    [submitted] = page["items"]
    assert submitted["actor_id"] is None and submitted["actor"] == "匿名"
    by_author = history(story.auditor, story.org.district_a,
                        f"?actor_id={story.secretary.user['id']}&event_type=Suggestion.Submitted")
    assert by_author["items"] == []


def test_the_filters_narrow_the_history_by_unit_object_type_actor_and_time(story):
    only_school = history(story.auditor, story.org.school_a, "?descendants=false&limit=200")
    assert {e["unit_id"] for e in only_school["items"]} == {story.org.school_a["id"]}
    one_object = history(story.auditor, story.org.district_a, f"?aggregate_id={story.activity['id']}")
    assert [e["event_type"] for e in one_object["items"]] == ["Activity.Logged"]
    by_actor = history(story.auditor, story.org.district_a, f"?actor_id={story.school_admin.user['id']}&limit=200")
    assert by_actor["items"] and {e["actor_id"] for e in by_actor["items"]} == {story.school_admin.user["id"]}
    oldest = history(story.auditor, story.org.district_a, "?order=oldest&event_type=Plan.Created&event_type=Activity.Logged")
    assert [e["event_type"] for e in oldest["items"]] == ["Plan.Created", "Activity.Logged"]
    future = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert history(story.auditor, story.org.district_a, f"?from={future}")["items"] == []
    assert history(story.auditor, story.org.district_a, f"?to={future}&limit=1")["items"]


def test_pages_follow_a_stable_cursor_and_a_cursor_of_another_query_is_refused(story):
    first = history(story.auditor, story.org.district_a, "?order=oldest&limit=3")
    second = history(story.auditor, story.org.district_a, f"?order=oldest&limit=3&cursor={first['next_cursor']}")
    assert first["items"][-1]["position"] < second["items"][0]["position"]
    whole = history(story.auditor, story.org.district_a, "?order=oldest&limit=6")
    assert [e["position"] for e in first["items"] + second["items"]] == [e["position"] for e in whole["items"]]
    foreign = story.auditor.get(f"/api/v1/tenants/{story.org.district_a['id']}/history?order=newest&cursor={first['next_cursor']}")
    assert foreign.status == 422 and foreign.code == "cursor_mismatch", foreign.body
    forged = story.auditor.get(f"/api/v1/tenants/{story.org.district_a['id']}/history?cursor=abc.def")
    assert forged.status == 422 and forged.code == "invalid_cursor", forged.body


@pytest.mark.parametrize("query, code", [
    ("?from=2026-03-02T00:00:00&to=2026-03-01T00:00:00", "invalid_time_range"),
    ("?event_type=Plan.Exploded", "unknown_event_type"),
    ("?order=sideways", "invalid_order"),
    ("?from=yesterday", "invalid_input"),
    ("?from=0001-01-01T00:00:00", "time_out_of_range"),
    ("?to=9999-12-31T23:59:59-12:00", "time_out_of_range"),
])
def test_bad_filters_are_clear_errors_and_record_nothing(story, query, code, runtime):
    before = runtime.apps.recorder.max_notification_id()
    reply = story.auditor.get(f"/api/v1/tenants/{story.org.district_a['id']}/history{query}")
    assert reply.status == 422 and reply.code == code, reply.body
    assert set(reply.body) == {"code", "message", "details"} and reply.body["message"]
    assert runtime.apps.recorder.max_notification_id() == before


def test_an_unknown_export_format_is_a_clear_error(story):
    status, _, body = export(story.auditor, story.org.district_a, "?format=xml")
    assert status == 422 and json.loads(body)["code"] == "unsupported_export_format"


def test_errors_speak_english_when_asked(story):
    reply = story.auditor.get(f"/api/v1/tenants/{story.org.district_a['id']}/history?event_type=X.Y&lang=en")
    assert reply.code == "unknown_event_type" and reply.body["message"].startswith("Unknown event type")
    page = history(story.auditor, story.org.district_a, "?event_type=Activity.Logged&lang=en")
    assert page["items"][0]["event"] == "Log an activity" and page["items"][0]["object"] == "Activity records"


def test_non_auditors_and_foreign_auditors_get_the_404_of_a_missing_unit(story):
    missing = story.auditor.get(f"/api/v1/tenants/{uuid.uuid4()}/history")
    assert missing.status == 404
    for client, node in [(story.school_admin, story.org.school_a), (story.secretary, story.org.branch_a),
                         (story.other_auditor, story.org.district_a), (story.auditor, story.org.city)]:
        reply = client.get(f"/api/v1/tenants/{node['id']}/history")
        assert (reply.status, reply.body["code"], reply.body["message"]) == (404, missing.code, missing.body["message"])
        status, _, _ = export(client, node, "?format=csv")
        assert status == 404


def test_exports_stream_the_filtered_history_as_json_lines_and_csv_with_a_bom(story):
    page = history(story.auditor, story.org.district_a, "?limit=200&event_type=Activity.Logged&event_type=Plan.Created")
    status, content_type, body = export(story.auditor, story.org.district_a,
                                        "?format=jsonl&event_type=Activity.Logged&event_type=Plan.Created")
    assert status == 200 and content_type.startswith("application/x-ndjson")
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [e["position"] for e in lines] == [e["position"] for e in page["items"]]
    status, content_type, body = export(story.auditor, story.org.district_a,
                                        "?format=csv&event_type=Activity.Logged&event_type=Plan.Created")
    assert status == 200 and content_type.startswith("text/csv")
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [int(r["position"]) for r in rows] == [e["position"] for e in page["items"]]
    logged = next(r for r in rows if r["event_type"] == "Activity.Logged")
    assert logged["event"] == "登记活动" and logged["unit"] == "第一党支部"
    assert "标题：=学习党章" in logged["content"] and "originator" not in logged["content"]


def test_a_csv_cell_that_would_start_a_formula_is_kept_as_text():
    from taolun.platform.api.routers.history import _cell

    assert [_cell(t) for t in ("=1+1", "+1", "-1", "@SUM(A1)", "学习", "")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "学习", ""]


def test_every_read_and_export_is_recorded_and_auditors_above_see_it(story):
    history(story.auditor, story.org.school_a, "?event_type=Activity.Logged")
    export(story.auditor, story.org.district_a, "?format=csv&order=oldest")
    reads = history(story.city_auditor, story.org.city, "?event_type=HistoryRead.Recorded&limit=200")["items"]
    mine = [e for e in reads if e["actor_id"] == story.auditor.user["id"]]
    assert [e["data"]["kind"] for e in mine[:2]] == ["export", "read"]
    export_read, page_read = mine[0], mine[1]
    assert export_read["data"]["format"] == "csv" and export_read["data"]["filters"]["order"] == "oldest"
    assert page_read["unit"] == "实验中学" and page_read["data"]["filters"]["event_types"] == ["Activity.Logged"]
    assert page_read["actor"] == "测试用户" and page_read["event"] == "查阅事件历史"
    # the auditor of district B sees none of district A's reads
    theirs = history(story.other_auditor, story.org.district_b, "?event_type=HistoryRead.Recorded&limit=200")
    assert story.auditor.user["id"] not in {e["actor_id"] for e in theirs["items"]}


def test_the_event_types_are_listed_with_their_chinese_names(story):
    types = {t["type"]: t for t in ok(story.auditor.get("/api/v1/history/event-types"))}
    assert types["Plan.Approved"]["label"] == "审核通过实施方案" and types["Plan.Approved"]["object"] == "方案"


def test_the_audit_application_records_reads_of_auditors_only(story, runtime):
    from taolun.events.kernel import Forbidden, NotFound

    admin_id = uuid.UUID(story.school_admin.user["id"])
    with pytest.raises(Forbidden) as refused:
        runtime.apps.audit.record_history_read(admin_id, uuid.UUID(story.org.school_a["id"]), kind="read", filters={})
    assert refused.value.code == "not_auditor"
    with pytest.raises(NotFound):
        runtime.apps.audit.record_history_read(uuid.UUID(story.auditor.user["id"]), uuid.uuid4(), kind="read", filters={})
    read_id, _ = runtime.apps.audit.record_history_read(
        uuid.UUID(story.auditor.user["id"]), uuid.UUID(story.org.school_a["id"]), kind="export", fmt="csv",
        filters={"order": "oldest", "actor_id": None})
    read = runtime.apps.audit.repository.get(read_id)
    assert (read.kind, read.format, read.filters) == ("export", "csv", {"order": "oldest"})


def test_every_event_type_of_the_history_has_a_chinese_name_and_every_name_an_event_type():
    from taolun.platform.web.history_labels import AGGREGATE_LABELS, EVENT_LABELS
    from taolun.projections.history.query import EVENT_TYPES

    assert set(EVENT_LABELS) == EVENT_TYPES
    assert {t.split(".")[0] for t in EVENT_LABELS} == set(AGGREGATE_LABELS)
    assert len(set(EVENT_LABELS.values())) == len(EVENT_LABELS)  # no two events read alike
