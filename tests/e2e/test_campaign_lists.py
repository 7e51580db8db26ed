"""A district admin lists what its subtree logged, narrowed by the filters it gives."""

from urllib.parse import quote

from tests.e2e.campaign_helpers import Campaign, day, ok


def test_subtree_lists_answer_what_was_logged_below_and_honour_their_filters(org):
    city = org.user_with_role(org.city, "admin")
    district = org.user_with_role(org.district_a, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    campaign = Campaign(city, org.city)
    plan = ok(district.post(f"/api/v1/plans/{campaign.id}/derive", {"tenant_id": org.district_a["id"]}), 201)
    for kind in ("党课", "党课", "主题党日"):
        ok(secretary.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": kind, "title": kind,
            "start": day(-1), "end": day(-1)}), 201)
    ok(secretary.post("/api/v1/problems", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "description": "学习流于形式",
        "category": "工作作风"}), 201)
    ok(secretary.post("/api/v1/suggestions", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "title": "献一策", "content": "建议"}), 201)
    base = f"/api/v1/tenants/{org.district_a['id']}"

    activities = ok(district.get(f"{base}/activities"))
    assert activities["count"] == 3
    assert ok(district.get(f"{base}/activities?kind={quote('党课')}"))["count"] == 2
    paged = ok(district.get(f"{base}/activities?limit=1&offset=1"))
    assert paged["count"] == 3 and len(paged["items"]) == 1
    assert ok(district.get(f"{base}/problems?status=open"))["count"] == 1
    assert ok(district.get(f"{base}/problems?status=verified"))["count"] == 0
    assert ok(district.get(f"{base}/suggestions?campaign_id={campaign.id}"))["count"] == 1
    plans = ok(district.get(f"{base}/plans?status=draft"))
    assert [p["id"] for p in plans["items"]] == [plan["id"]]
    # The school between the district and the branch sees them too; the other district none.
    assert ok(district.get(f"/api/v1/tenants/{org.school_a['id']}/activities"))["count"] == 3
    other = org.user_with_role(org.district_b, "admin")
    assert ok(other.get(f"/api/v1/tenants/{org.district_b['id']}/activities"))["count"] == 0
