"""Against a real server: simultaneous writers on one unit never get a 5xx, and copies of
one keyed request sent at once have one effect and one answer."""

from concurrent.futures import ThreadPoolExecutor

from tests.e2e.conftest import unique


def test_simultaneous_renames_of_one_unit_never_answer_5xx(org, ops):
    node = org.school_a["id"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(
            lambda i: ops.patch(f"/api/v1/tenants/{node}", {"name": f"实验中学{i}"}), range(40)))
    assert all(r.status == 200 or (r.status, r.code) == (409, "concurrent_update") for r in replies), \
        sorted((r.status, r.code) for r in replies)
    assert sum(r.status == 200 for r in replies) >= 1
    assert ops.get(f"/api/v1/tenants/{node}").body["name"] in {f"实验中学{i}" for i in range(40)}


def test_copies_of_one_keyed_request_sent_at_once_create_one_unit_and_answer_its_id(org, ops):
    payload = {"kind": "branch", "code": unique("b"), "name": "第三党支部", "parent_id": org.school_b["id"]}
    key = {"Idempotency-Key": unique("key")}
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda i: ops.post("/api/v1/tenants", payload, headers=key), range(6)))
    assert {r.status for r in replies} == {201}, [(r.status, r.body) for r in replies]
    assert len({r.body["id"] for r in replies}) == 1
    assert ops.get(f"/api/v1/tenants/{org.school_b['id']}").body["child_count"] == 1


def test_a_replayed_token_issue_answers_without_the_secret_to_the_same_user_only(org, ops):
    viewer = org.user_with_role(org.school_a, "viewer")
    path = f"/api/v1/users/{viewer.user['id']}/tokens"
    key = {"Idempotency-Key": unique("key")}
    first = viewer.post(path, {"label": "phone"}, headers=key)
    assert first.status == 201 and first.body["token"]
    again = viewer.post(path, {"label": "phone"}, headers=key)
    assert (again.status, again.code) == (409, "token_shown_once")
    assert first.body["token"] not in str(again.body)
    tokens = viewer.get(path).body
    assert [t["label"] for t in tokens].count("phone") == 1
