"""Over HTTP: the progress view, its unit lists and the tree view answer from a cache keyed
by the projection's position, with an ETag; a client holding the current answer gets 304,
a new event changes the ETag, and a cached answer never reaches a caller who may not see it."""

from __future__ import annotations

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.client import Reply


def header(reply: Reply, name: str) -> str | None:
    """A response header by name, whatever its case (waitress writes "Etag")."""
    return {k.lower(): v for k, v in reply.headers.items()}.get(name.lower())


def log_activity(secretary, org, cid: str, participants: int) -> None:
    ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": cid, "kind": "专题学习", "title": "学习",
        "start": day(-1), "end": day(-1), "participants": participants, "hours": 2}), 201)


def test_a_progress_answer_carries_an_etag_and_the_same_etag_answers_304(org) -> None:
    city = org.user_with_role(org.city, "admin")
    cid = Campaign(city, org.city).id
    path = f"/api/v1/campaigns/{cid}/progress/{org.city['id']}"
    first = city.get(path)
    etag = header(first, "ETag")
    assert first.status == 200 and etag.startswith('"')
    assert "private" in header(first, "Cache-Control") and "no-cache" in header(first, "Cache-Control")
    again = city.get(path, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body is None and header(again, "ETag") == etag
    assert city.get(path, headers={"If-None-Match": '"something-else"'}).body == first.body


def test_a_new_activity_changes_the_etag_and_the_figures_of_every_cached_read(org) -> None:
    city = org.user_with_role(org.city, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    cid = Campaign(city, org.city).id
    paths = [f"/api/v1/campaigns/{cid}/progress/{org.city['id']}",
             f"/api/v1/campaigns/{cid}/progress/{org.city['id']}/units?kind=branch"]
    before = {p: city.get(p) for p in paths}
    log_activity(secretary, org, cid, participants=17)
    after = {p: city.get(p, headers={"If-None-Match": header(before[p], "ETag")}) for p in paths}
    for p in paths:
        assert after[p].status == 200, p
        assert header(after[p], "ETag") != header(before[p], "ETag")
    assert ok(after[paths[0]])["participants"] == before[paths[0]].body["participants"] + 17
    assert after[paths[1]].body["items"][0]["participants"] == 17


def test_a_cached_progress_answer_never_reaches_a_caller_outside_the_unit(org) -> None:
    city = org.user_with_role(org.city, "admin")
    outsider = org.user_with_role(org.school_b, "admin")  # the other district's school
    secretary = org.user_with_role(org.branch_a, "secretary")
    cid = Campaign(city, org.city).id
    for path in (f"/api/v1/campaigns/{cid}/progress/{org.district_a['id']}",
                 f"/api/v1/campaigns/{cid}/progress/{org.district_a['id']}/units?kind=branch"):
        cached = city.get(path)
        assert cached.status == 200
        for caller in (outsider, secretary):
            # Neither the answer nor a 304 for the ETag the city admin was given.
            plain = caller.get(path)
            knowing = caller.get(path, headers={"If-None-Match": header(cached, "ETag")})
            assert (plain.status, plain.code) == (404, "not_found"), path
            assert (knowing.status, knowing.code) == (404, "not_found"), path
            assert header(plain, "ETag") is None


def test_a_revoked_grant_stops_the_cached_answer_on_the_next_request(org, ops) -> None:
    city = org.user_with_role(org.city, "admin")
    district = org.user_with_role(org.district_a, "admin")
    cid = Campaign(city, org.city).id
    path = f"/api/v1/campaigns/{cid}/progress/{org.district_a['id']}"
    cached = district.get(path)
    assert cached.status == 200
    etag = header(cached, "ETag")
    ok(ops.post(f"/api/v1/users/{district.user['id']}/grants/revoke",
                {"node_id": org.district_a["id"], "role": "admin"}))
    gone = district.get(path, headers={"If-None-Match": etag})
    assert (gone.status, gone.code) == (404, "not_found")


def test_the_tree_view_is_cached_by_the_org_position_and_a_rename_changes_its_etag(org, ops) -> None:
    district = org.user_with_role(org.district_a, "admin")
    path = f"/api/v1/tenants/{org.district_a['id']}?depth=2"
    first = district.get(path)
    assert first.status == 200 and first.body["children"][0]["id"] == org.school_a["id"]
    assert district.get(path, headers={"If-None-Match": header(first, "ETag")}).status == 304
    # The other district's admin is refused the same answer, cached or not.
    other = org.user_with_role(org.district_b, "admin")
    assert other.get(path, headers={"If-None-Match": header(first, "ETag")}).status == 404
    ok(ops.patch(f"/api/v1/tenants/{org.school_a['id']}", {"name": "实验中学（新）"}))
    renamed = district.get(path, headers={"If-None-Match": header(first, "ETag")})
    assert renamed.status == 200 and header(renamed, "ETag") != header(first, "ETag")
    assert renamed.body["children"][0]["name"] == "实验中学（新）"
