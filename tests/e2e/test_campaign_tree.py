"""Over HTTP against a real server: a school with activities moves to another district and
the progress of both districts and the city follows; an archived branch leaves the
roll-ups; evidence files are downloaded by those who see an entry that references them."""

from __future__ import annotations

import uuid

from tests.e2e.campaign_helpers import PDF, Campaign, day, ok, upload


def test_a_moved_school_takes_its_figures_to_the_new_district(org, ops) -> None:
    city = org.user_with_role(org.city, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    campaign = Campaign(city, org.city)
    cid = campaign.id
    for kind, participants in (("专题学习", 20), ("主题党日", 12)):
        ok(secretary.post("/api/v1/activities", {
            "tenant_id": org.branch_a["id"], "plan_id": cid, "kind": kind, "title": kind,
            "start": day(-2), "end": day(-2), "participants": participants, "hours": 2,
            "phase_id": campaign.p2}), 201)
    branch_b = org.node(org.school_b, "branch", "邗江中学党支部")  # registered after publication

    def figures(node: dict) -> tuple:
        out = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{node['id']}"))
        return out["activities"], out["participants"], out["requirements"]["units"]

    assert figures(org.district_a) == (2, 32, 1) and figures(org.district_b) == (0, 0, 1)
    ok(ops.post(f"/api/v1/tenants/{org.school_a['id']}/move", {"parent_id": org.district_b["id"]}))
    assert figures(org.district_a) == (0, 0, 0)
    assert figures(org.district_b) == (2, 32, 2)
    assert figures(org.city) == (2, 32, 2)
    root = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}"))
    children = {c["node_id"]: c["activities"] for c in root["children"]}
    assert children == {org.district_a["id"]: 0, org.district_b["id"]: 2}
    schools = ok(city.get(f"/api/v1/campaigns/{cid}/progress/{org.district_b['id']}/units?kind=school"))
    assert {u["node_id"] for u in schools["items"]} == {org.school_a["id"], org.school_b["id"]}

    ok(ops.post(f"/api/v1/tenants/{branch_b['id']}/archive", {}))
    assert figures(org.city) == (2, 32, 1)
    gone = city.get(f"/api/v1/campaigns/{cid}/progress/{org.city['id']}/units?kind=branch")
    assert [u["node_id"] for u in ok(gone)["items"]] == [org.branch_a["id"]]


def test_evidence_is_downloaded_only_by_those_who_see_an_entry_that_references_it(org, ops) -> None:
    city = org.user_with_role(org.city, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    school_b = org.user_with_role(org.school_b, "admin")
    campaign = Campaign(city, org.city)
    content = PDF + uuid.uuid4().hex.encode()  # a blob of this test alone
    evidence = ok(upload(secretary, org.branch_a["id"], content, "签到表.pdf"), 201)
    sha = evidence["sha256"]
    # Uploaded but not yet referenced: nobody may fetch it.
    assert secretary.get(f"/api/v1/evidence/{sha}").status == 404
    ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "kind": "专题学习", "title": "学习",
        "start": day(-1), "end": day(-1), "participants": 9, "evidence": [evidence]}), 201)
    for reader in (secretary, city, ops):
        got = reader.get(f"/api/v1/evidence/{sha.upper() if reader is ops else sha}")
        assert got.status == 200, got.body
        assert got.headers["Content-Type"] == "application/pdf"
        assert got.body == content.decode()
        assert "attachment" in got.headers["Content-Disposition"]
    outside = school_b.get(f"/api/v1/evidence/{sha}")
    assert outside.status == 404 and outside.code == "not_found"
    assert city.get(f"/api/v1/evidence/{'0' * 64}").status == 404
    assert city.get("/api/v1/evidence/not-a-hash").status == 404
