"""Bad input answers a clear JSON error and appends nothing; other tenants' campaigns,
plans, activities and progress answer 404."""

from __future__ import annotations

from tests.e2e.campaign_helpers import PDF, Campaign, day, docx_bytes, ok, upload


def head(client) -> int:
    """The notification id of the last event (nothing appended = unchanged)."""
    reply = client.get("/readyz")
    return reply.body["checks"]["projections"]["head"]


def test_bad_input_is_refused_and_appends_nothing(org, ops, anon) -> None:
    city = org.user_with_role(org.city, "admin")
    school = org.user_with_role(org.school_a, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    campaign = Campaign(city, org.city)
    base = f"/api/v1/plans/{campaign.id}"
    plan = ok(school.post(f"{base}/derive", {"tenant_id": org.school_a["id"]}), 201)
    pa = f"/api/v1/plans/{plan['id']}"

    def refused(reply, status: int, code: str) -> None:
        assert (reply.status, reply.code) == (status, code), reply.body
        assert set(reply.body) == {"code", "message", "details"}

    before = head(ops)
    # Dates outside the parent window; a phase that ends before it starts.
    refused(school.patch(f"{pa}/phases/{campaign.p2}", {"start": day(-11), "end": day(5)}), 422, "outside_parent_window")
    refused(school.post(f"{pa}/phases", {"name": "本校阶段", "start": day(60), "end": day(70)}), 422, "outside_parent_window")
    refused(school.post(f"{pa}/phases", {"name": "倒置", "start": day(5), "end": day(1)}), 422, "phase_ends_before_start")
    # A requirement naming an unknown activity kind (the request schema lists the allowed
    # ones); mandatory items cannot be dropped.
    refused(school.post(f"{pa}/requirements", {"kind": "跳舞", "metric": "count", "minimum": 1}), 422, "invalid_input")
    refused(school.post(f"{pa}/topics/{campaign.core}/decline", {"reason": "不想"}), 422, "mandatory_topic_cannot_be_declined")
    refused(school.delete(f"{pa}/requirements/{campaign.study}"), 422, "mandatory_item_cannot_be_removed")
    # A second concurrent edit of the same plan version (If-Match or expected_version).
    version = ok(school.get(pa))["version"]
    ok(school.post(f"{pa}/topics", {"title": "本校题目", "expected_version": version}), 201)
    refused(school.post(f"{pa}/topics", {"title": "同时的另一个"}, headers={"If-Match": str(version)}), 409, "version_conflict")
    refused(school.post(f"{pa}/topics", {"title": "x", "expected_version": version}), 409, "version_conflict")
    after_edit = head(ops)
    assert after_edit == before + 1  # only the one accepted edit

    # An activity dated outside the campaign; evidence too large or of a refused type.
    activity = {"tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "专题学习",
                "title": "学习", "start": day(80), "end": day(80)}
    refused(secretary.post("/api/v1/activities", activity), 422, "activity_outside_campaign")
    refused(secretary.post("/api/v1/activities", {**activity, "start": day(-1), "end": day(-1),
                                                  "evidence": [{"sha256": "b" * 64, "size": 1,
                                                                "filename": "x.pdf", "content_type": "application/pdf"}]}),
            422, "evidence_not_found")
    # Hours more precise than stored (1.333 would be kept as 1.33): refused, naming the field.
    too_precise = secretary.post("/api/v1/activities", {**activity, "start": day(-1), "end": day(-1), "hours": "1.333"})
    refused(too_precise, 422, "too_many_decimal_places")
    assert too_precise.body["details"]["field"] == "hours"
    refused(upload(secretary, org.branch_a["id"], b"MZ\x90\x00 not a document", "virus.exe"), 415, "unsupported_evidence_type")
    refused(upload(secretary, org.branch_a["id"], PDF + b"0" * (20 * 1024 * 1024)), 413, "evidence_too_large")
    refused(upload(secretary, org.branch_a["id"], b"0" * (26 * 1024 * 1024)), 413, "too_large")
    assert ok(upload(secretary, org.branch_a["id"], docx_bytes(), "总结.docx"), 201)["content_type"].endswith("document")

    # A rebase with unresolved conflicts.
    ok(school.patch(f"{pa}/phases/{campaign.p2}", {"end": day(15)}))
    ok(city.post(f"{base}/reopen", {"reason": "调整"}))
    ok(city.patch(f"{base}/phases/{campaign.p2}", {"end": day(10)}))
    ok(city.post(f"{base}/amend", {"summary": "缩短"}))
    marked = head(ops)
    refused(school.post(f"{pa}/rebase", {}), 422, "rebase_conflicts")
    refused(school.post(f"{pa}/submit", {}), 422, "upstream_change_pending")
    assert head(ops) == marked

    # Light thresholds: whole numbers within range, set by the campaign's admin only.
    settings = f"/api/v1/campaigns/{campaign.id}/progress-settings"
    bad = city.request("PUT", settings, {"red_share": 101})
    refused(bad, 422, "invalid_input")
    assert bad.body["details"]["field"] == "red_share"
    assert school.request("PUT", settings, {"red_share": 10}).status == 403
    assert head(ops) == marked
    assert ok(city.request("PUT", settings, {"red_share": 10}))["settings"]["red_share"] == 10


def test_other_tenants_campaigns_are_not_found(org, ops) -> None:
    city = org.user_with_role(org.city, "admin")
    district_a = org.user_with_role(org.district_a, "admin")
    school_b = org.user_with_role(org.school_b, "admin")
    secretary = org.user_with_role(org.branch_a, "secretary")
    draft = Campaign(district_a, org.district_a, publish=False)
    published = Campaign(city, org.city)
    plan = ok(district_a.post(f"/api/v1/plans/{published.id}/derive", {"tenant_id": org.district_a["id"]}), 201)
    act = ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "党课", "title": "党课",
        "start": day(-1), "end": day(-1)}), 201)

    # District B's school sees neither district A's draft nor its plan, activity or progress.
    for path in (f"/api/v1/plans/{draft.id}", f"/api/v1/plans/{plan['id']}",
                 f"/api/v1/activities/{act['id']}",
                 f"/api/v1/campaigns/{published.id}/progress/{org.district_a['id']}",
                 f"/api/v1/tenants/{org.district_a['id']}/activities"):
        reply = school_b.get(path)
        assert (reply.status, reply.code) == (404, "not_found"), (path, reply.body)
    assert school_b.post(f"/api/v1/plans/{plan['id']}/derive", {"tenant_id": org.school_b["id"]}).status == 404
    assert school_b.post(f"/api/v1/activities/{act['id']}/retract", {"reason": "x"}).status == 404
    # Deriving for a unit outside one's grants is 404; a published campaign is readable below.
    assert school_b.post(f"/api/v1/plans/{published.id}/derive", {"tenant_id": org.school_a["id"]}).status == 404
    assert school_b.get(f"/api/v1/plans/{published.id}").status == 200
    # Seen but not allowed: a secretary cannot edit the campaign (it is not theirs): 403/404.
    assert secretary.patch(f"/api/v1/plans/{published.id}", {"slogan": "x"}).status == 403
