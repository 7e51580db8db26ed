"""An operator builds a city's tree over HTTP against a real server process; admins,
secretaries and strangers see exactly what their grants allow."""

import time

from tests.e2e.conftest import unique


def test_an_operator_builds_a_tree_and_reads_it_back_with_subtree_counts(org, ops):
    reply = ops.get(f"/api/v1/tenants/{org.city['id']}?depth=2")
    assert reply.status == 200
    tree = reply.body
    assert tree["subtree_counts"] == {"bureau": 2, "school": 2, "branch": 1}
    assert tree["child_count"] == 2
    districts = {child["name"]: child for child in tree["children"]}
    assert set(districts) == {"广陵区教育局", "邗江区教育局"}
    assert [s["name"] for s in districts["广陵区教育局"]["children"]] == ["实验中学"]
    assert districts["广陵区教育局"]["children"][0]["children"] == []  # depth 2 stops here


def test_a_write_is_readable_as_soon_as_it_is_answered(org, ops):
    school = org.node(org.district_a, "school", "新建学校")
    assert ops.get(f"/api/v1/tenants/{school['id']}").status == 200
    assert ops.get(f"/api/v1/tenants/{org.district_a['id']}").body["child_count"] == 2


def test_the_subtree_list_filters_by_kind(org, ops):
    reply = ops.get(f"/api/v1/tenants/{org.city['id']}/subtree?kind=school")
    assert reply.status == 200
    assert reply.body["count"] == 2
    assert {n["name"] for n in reply.body["items"]} == {"实验中学", "邗江中学"}


def test_an_unknown_parent_answers_404_and_appends_nothing(org, ops):
    before = ops.get(f"/api/v1/tenants/{org.city['id']}").body["subtree_counts"]
    reply = ops.post(
        "/api/v1/tenants",
        {"kind": "school", "code": "x", "name": "x", "parent_id": "00000000-0000-4000-8000-000000000000"},
    )
    assert reply.status == 404 and reply.code == "not_found"
    assert ops.get(f"/api/v1/tenants/{org.city['id']}").body["subtree_counts"] == before


def test_a_duplicate_code_among_siblings_answers_409(org, ops):
    reply = ops.post(
        "/api/v1/tenants",
        {"kind": "school", "code": org.school_a["code"], "name": "重名", "parent_id": org.district_a["id"]},
    )
    assert reply.status == 409 and reply.code == "duplicate_code"
    # The same code under another parent is fine.
    other = ops.post(
        "/api/v1/tenants",
        {"kind": "school", "code": org.school_a["code"], "name": "同码异级", "parent_id": org.district_b["id"]},
    )
    assert other.status == 201


def test_a_move_into_its_own_subtree_answers_422_with_the_reason(org, ops):
    reply = ops.post(f"/api/v1/tenants/{org.district_a['id']}/move", {"parent_id": org.school_a["id"]})
    assert reply.status == 422
    # a bureau under a school is refused by kind before the cycle check is even needed
    assert reply.code in {"move_into_own_subtree", "invalid_parent_kind"}
    sub = org.node(org.district_a, "bureau", "下级局")
    cycle = ops.post(f"/api/v1/tenants/{org.district_a['id']}/move", {"parent_id": sub["id"]})
    assert cycle.status == 422 and cycle.code == "move_into_own_subtree"
    assert cycle.body["details"]["field"] == "parent_id"
    assert ops.get(f"/api/v1/tenants/{org.district_a['id']}").body["parent_id"] == org.city["id"]


def test_moving_a_school_carries_its_subtree_and_its_counts(org, ops):
    reply = ops.post(f"/api/v1/tenants/{org.school_a['id']}/move", {"parent_id": org.district_b["id"]})
    assert reply.status == 200, reply.body
    assert reply.body["parent_id"] == org.district_b["id"]
    assert ops.get(f"/api/v1/tenants/{org.district_a['id']}").body["subtree_counts"] == {}
    assert ops.get(f"/api/v1/tenants/{org.district_b['id']}").body["subtree_counts"] == {"school": 2, "branch": 1}
    branch = ops.get(f"/api/v1/tenants/{org.branch_a['id']}").body
    assert branch["path"].startswith(ops.get(f"/api/v1/tenants/{org.district_b['id']}").body["path"])
    assert ops.get(f"/api/v1/tenants/{org.city['id']}").body["subtree_counts"]["school"] == 2


def test_archiving_is_refused_while_live_children_remain_unless_cascaded(org, ops):
    refused = ops.post(f"/api/v1/tenants/{org.school_a['id']}/archive", {})
    assert refused.status == 409 and refused.code == "tenant_has_children"
    done = ops.post(f"/api/v1/tenants/{org.school_a['id']}/archive", {"cascade": True})
    assert done.status == 200 and done.body["archived"] is True
    assert ops.get(f"/api/v1/tenants/{org.branch_a['id']}").body["archived"] is True
    assert ops.get(f"/api/v1/tenants/{org.city['id']}").body["subtree_counts"] == {"bureau": 2, "school": 1}
    again = ops.post("/api/v1/tenants", {"kind": "branch", "code": unique("b"), "name": "x", "parent_id": org.school_a["id"]})
    assert again.status == 422 and again.code == "tenant_archived"


def test_renaming_is_an_edit_that_shows_at_once(org, ops):
    reply = ops.patch(f"/api/v1/tenants/{org.school_b['id']}", {"name": "邗江中学（新校区）"})
    assert reply.status == 200 and reply.body["name"] == "邗江中学（新校区）"


def test_a_school_admin_sees_only_their_subtree_and_gets_404_elsewhere(org):
    admin = org.user_with_role(org.school_a, "admin")
    assert admin.get(f"/api/v1/tenants/{org.school_a['id']}").status == 200
    assert admin.get(f"/api/v1/tenants/{org.branch_a['id']}").status == 200
    for outside in (org.school_b, org.district_a, org.city):
        reply = admin.get(f"/api/v1/tenants/{outside['id']}")
        assert reply.status == 404 and reply.code == "not_found"
    # Creating under a unit outside the grants looks exactly like an unknown parent.
    reply = admin.post("/api/v1/tenants", {"kind": "branch", "code": "x", "name": "x", "parent_id": org.school_b["id"]})
    assert reply.status == 404
    listed = admin.get("/api/v1/tenants").body
    assert [n["id"] for n in listed["items"]] == [org.school_a["id"]]


def test_a_viewer_may_see_but_not_change_and_gets_403(org):
    viewer = org.user_with_role(org.district_a, "viewer")
    assert viewer.get(f"/api/v1/tenants/{org.school_a['id']}").status == 200
    reply = viewer.patch(f"/api/v1/tenants/{org.school_a['id']}", {"name": "改名"})
    assert reply.status == 403 and reply.code == "forbidden"
    assert viewer.get(f"/api/v1/tenants/{org.school_a['id']}").body["name"] == "实验中学"


def test_only_operators_create_root_bureaus(org):
    admin = org.user_with_role(org.city, "admin")
    reply = admin.post("/api/v1/tenants", {"kind": "bureau", "code": unique("c"), "name": "另一个市"})
    assert reply.status == 403


def test_bad_input_gets_a_clear_error(org, ops):
    malformed = ops.post("/api/v1/tenants", raw=b"{not json")
    assert malformed.status == 400 and malformed.code == "malformed_json"
    invalid = ops.post("/api/v1/tenants", {"kind": "castle", "code": "x", "name": "x"})
    assert invalid.status == 422 and invalid.code == "invalid_input"
    assert any(e["field"] == "kind" for e in invalid.body["details"]["errors"])
    wrong_kind = ops.post("/api/v1/tenants", {"kind": "school", "code": unique("s"), "name": "x", "parent_id": org.branch_a["id"]})
    assert wrong_kind.status == 422 and wrong_kind.code == "invalid_parent_kind"
    huge = ops.post("/api/v1/tenants", raw=b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}')
    assert huge.status == 413 and huge.code == "too_large"
    missing = ops.get("/api/v1/no-such-thing")
    assert missing.status == 404 and missing.code == "not_found"


def test_a_missing_or_bad_token_answers_401(anon, org):
    assert anon.get("/api/v1/tenants").status == 401
    reply = anon.as_("tl_not-a-real-token").get(f"/api/v1/tenants/{org.city['id']}")
    assert reply.status == 401 and reply.code == "unauthenticated"


def test_a_revoked_token_stops_working(org, ops):
    admin = org.user_with_role(org.school_a, "admin")
    tokens = ops.get(f"/api/v1/users/{admin.user['id']}/tokens").body
    assert admin.get("/api/v1/me").status == 200
    reply = ops.delete(f"/api/v1/users/{admin.user['id']}/tokens/{tokens[0]['token_id']}")
    assert reply.status == 200 and reply.body["revoked_at"]
    assert admin.get("/api/v1/me").status == 401


def test_a_retried_write_with_an_idempotency_key_returns_the_first_answer(org, ops):
    payload = {"kind": "branch", "code": unique("b"), "name": "第二党支部", "parent_id": org.school_b["id"]}
    key = {"Idempotency-Key": unique("key")}
    first = ops.post("/api/v1/tenants", payload, headers=key)
    second = ops.post("/api/v1/tenants", payload, headers=key)
    assert first.status == second.status == 201
    assert first.body == second.body
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert ops.get(f"/api/v1/tenants/{org.school_b['id']}").body["child_count"] == 1
    reused = ops.post("/api/v1/tenants", {**payload, "name": "别的"}, headers=key)
    assert reused.status == 422 and reused.code == "idempotency_key_reused"


def test_granting_a_role_puts_one_message_in_the_grantees_inbox(org, ops):
    secretary = org.user_with_role(org.branch_a, "secretary")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        inbox = secretary.get("/api/v1/me/inbox").body
        if inbox["count"]:
            break
        time.sleep(0.2)
    assert inbox["count"] == 1
    assert "第一党支部" in inbox["items"][0]["subject"]
    # Granting the same role again changes nothing and says nothing twice.
    again = ops.post(f"/api/v1/users/{secretary.user['id']}/grants", {"node_id": org.branch_a["id"], "role": "secretary"})
    assert again.status == 201
    time.sleep(1.0)
    assert secretary.get("/api/v1/me/inbox").body["count"] == 1
    read = secretary.post(f"/api/v1/me/inbox/{inbox['items'][0]['id']}/read")
    assert read.status == 200 and read.body["read_at"]


def test_health_and_readiness_report_database_broker_and_lag(server, anon, ops):
    assert anon.get("/healthz").body == {"status": "ok"}
    ready = ops.get("/readyz")
    assert ready.status == 200
    assert ready.body["checks"]["database"]["ok"] and ready.body["checks"]["broker"]["ok"]
    assert ready.body["checks"]["projections"]["lag"] == 0
    assert ready.body["checks"]["projections"]["parked"] == 0


def test_readiness_tells_anonymous_callers_and_non_operators_only_the_status(anon, org):
    admin = org.user_with_role(org.city, "admin")
    for caller in (anon, admin, anon.as_("tl_not-a-token")):
        assert caller.get("/readyz").body == {"status": "ready"}


def test_the_api_docs_are_served_without_any_cdn(anon):
    docs = anon.get("/api/v1/docs")
    assert docs.status == 200 and "cdn" not in docs.body.lower()
    assert anon.get("/static/ninja/swagger-ui-bundle.js").status == 200
    schema = anon.get("/api/v1/openapi.json").body
    assert "/api/v1/tenants" in schema["paths"]


def test_errors_speak_english_when_asked(anon, ops):
    chinese = anon.get("/api/v1/tenants")
    english = anon.get("/api/v1/tenants", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert chinese.code == english.code == "unauthenticated"
    assert "令牌" in chinese.body["message"]
    assert english.body["message"].startswith("A valid API token")
    malformed = ops.post("/api/v1/tenants", raw=b"{", headers={"Accept-Language": "en"})
    assert malformed.body["message"] == "The request body is not valid JSON."


def test_a_rule_broken_in_the_domain_speaks_english_by_its_code_and_chinese_by_default(org, ops):
    body = {"kind": "school", "code": org.school_a["code"], "name": "同码学校", "parent_id": org.district_a["id"]}
    chinese = ops.post("/api/v1/tenants", body, headers={"Accept-Language": "zh-CN,en;q=0.5"})
    english = ops.post("/api/v1/tenants?lang=en", body)
    assert chinese.code == english.code == "duplicate_code"
    assert "编码" in chinese.body["message"]
    assert english.body["message"] == "A sibling unit already uses this code."
    assert english.headers["Content-Language"] == "en"
    # ?lang= wins over the header (the pages' language switch); a language the catalogues do
    # not hold answers in Chinese, the source language.
    chosen = ops.post("/api/v1/tenants?lang=zh", body, headers={"Accept-Language": "en"})
    assert chosen.body["message"] == chinese.body["message"]
    unknown = ops.post("/api/v1/tenants", body, headers={"Accept-Language": "fr"})
    assert unknown.body["message"] == chinese.body["message"]
