"""Issue 7: no role acts beyond its grants: tokens are minted only by their user (or an
operator), token management and grants need an admin above every grant involved, and
nobody grants themselves a role."""

from tests.e2e.conftest import unique


def _city_admin_homed_at(org, ops, node):
    reply = ops.post("/api/v1/users", {"email": f"{unique('big')}@x.test", "name": "市管理员", "home_id": node["id"]})
    user = reply.body
    assert ops.post(f"/api/v1/users/{user['id']}/grants", {"node_id": org.city["id"], "role": "admin"}).status == 201
    token = ops.post(f"/api/v1/users/{user['id']}/tokens", {"label": "own"}).body["token"]
    return user, ops.as_(token)


def test_a_school_admin_cannot_mint_a_token_for_a_city_admin_homed_at_its_school(org, ops):
    school_admin = org.user_with_role(org.school_a, "admin")
    big, _ = _city_admin_homed_at(org, ops, org.school_a)
    reply = school_admin.post(f"/api/v1/users/{big['id']}/tokens", {"label": "stolen"})
    assert reply.status == 403 and reply.code == "token_issuer_forbidden"
    assert len(ops.get(f"/api/v1/users/{big['id']}/tokens").body) == 1
    # ... nor list or revoke the city admin's tokens
    assert school_admin.get(f"/api/v1/users/{big['id']}/tokens").status == 403
    token_id = ops.get(f"/api/v1/users/{big['id']}/tokens").body[0]["token_id"]
    assert school_admin.delete(f"/api/v1/users/{big['id']}/tokens/{token_id}").status == 403
    assert ops.get(f"/api/v1/users/{big['id']}/tokens").body[0]["revoked_at"] is None


def test_users_mint_their_own_tokens_and_an_admin_may_revoke_those_of_its_own_people(org, ops):
    school_admin = org.user_with_role(org.school_a, "admin")
    teacher = org.user_with_role(org.school_a, "viewer")
    own = teacher.post(f"/api/v1/users/{teacher.user['id']}/tokens", {"label": "phone"})
    assert own.status == 201
    minted = school_admin.post(f"/api/v1/users/{teacher.user['id']}/tokens", {"label": "x"})
    assert minted.status == 403
    listed = school_admin.get(f"/api/v1/users/{teacher.user['id']}/tokens")
    assert listed.status == 200 and len(listed.body) == 2
    revoked = school_admin.delete(f"/api/v1/users/{teacher.user['id']}/tokens/{own.body['token_id']}")
    assert revoked.status == 200 and revoked.body["revoked_at"]


def test_an_admin_cannot_grant_itself_a_role(org):
    admin = org.user_with_role(org.district_a, "admin")
    reply = admin.post(f"/api/v1/users/{admin.user['id']}/grants", {"node_id": org.school_a["id"], "role": "auditor"})
    assert reply.status == 403 and reply.code == "self_grant"
    roles = {(g["node_id"], g["role"]) for g in admin.get("/api/v1/me").body["grants"]}
    assert roles == {(org.district_a["id"], "admin")}


def test_a_school_admin_cannot_revoke_a_grant_held_above_its_school(org, ops):
    school_admin = org.user_with_role(org.school_a, "admin")
    big, big_client = _city_admin_homed_at(org, ops, org.school_a)
    reply = school_admin.post(f"/api/v1/users/{big['id']}/grants/revoke", {"node_id": org.city["id"], "role": "admin"})
    assert reply.status == 404  # the city is outside the school admin's grants
    assert big_client.get(f"/api/v1/tenants/{org.city['id']}").status == 200


def test_a_unit_below_reads_only_released_versions_of_a_parent_campaign(org):
    from tests.e2e.campaign_helpers import Campaign, ok

    city = org.user_with_role(org.city, "admin")
    school = org.user_with_role(org.school_a, "admin")
    draft = Campaign(city, org.city, publish=False)
    assert school.get(f"/api/v1/plans/{draft.id}").status == 404
    campaign = Campaign(city, org.city)
    assert ok(school.get(f"/api/v1/plans/{campaign.id}"))["status"] == "published"
    assert school.get(f"/api/v1/plans/{campaign.id}?version=1").status == 404  # the first draft
    ok(city.post(f"/api/v1/plans/{campaign.id}/reopen", {"reason": "补充"}))
    ok(city.post(f"/api/v1/plans/{campaign.id}/topics", {"group": "（三）", "title": "尚未发布的题目"}), 201)
    seen = ok(school.get(f"/api/v1/plans/{campaign.id}"))
    assert seen["status"] == "published" and "尚未发布的题目" not in {t["title"] for t in seen["topics"]}
    latest = ok(city.get(f"/api/v1/plans/{campaign.id}"))["version"]
    missing = school.get(f"/api/v1/plans/{campaign.id}?version={latest}")
    assert (missing.status, missing.body["message"]) == (404, "方案不存在")
    assert school.get(f"/api/v1/plans/{campaign.id}/upstream").status == 404


def test_a_school_admin_sees_a_users_school_grants_but_not_those_held_above_it(org, ops):
    school_admin = org.user_with_role(org.school_a, "admin")
    big, big_client = _city_admin_homed_at(org, ops, org.school_a)
    assert ops.post(f"/api/v1/users/{big['id']}/grants", {"node_id": org.school_a["id"], "role": "viewer"}).status == 201
    seen = school_admin.get(f"/api/v1/users/{big['id']}").body
    assert [(g["node_id"], g["role"]) for g in seen["grants"]] == [(org.school_a["id"], "viewer")]
    listed = {u["id"]: u for u in school_admin.get(f"/api/v1/tenants/{org.school_a['id']}/users").body["items"]}
    assert [g["role"] for g in listed[big["id"]]["grants"]] == ["viewer"]
    own = {(g["node_id"], g["role"]) for g in big_client.get("/api/v1/me").body["grants"]}
    assert own == {(org.city["id"], "admin"), (org.school_a["id"], "viewer")}
