"""Issue 7: evidence is cited only by its uploader or by someone who already sees a citation;
every other hash (stored for another tenant, never uploaded, or a path in disguise) answers
the same; downloads name the file safely."""

from __future__ import annotations

import uuid

from tests.e2e.campaign_helpers import PDF, Campaign, day, ok, upload


def _without_sha(reply) -> tuple:
    details = {k: v for k, v in reply.body["details"].items() if k != "sha256"}
    return reply.status, reply.code, reply.body["message"], details


def _setup(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    secretary_a = org.user_with_role(org.branch_a, "secretary")
    school_b = org.user_with_role(org.school_b, "admin")
    return campaign, secretary_a, school_b


def _activity(org, node, plan_id, sha, filename="记录.pdf"):
    return {"tenant_id": node["id"], "plan_id": plan_id, "kind": "专题学习", "title": "学习",
            "start": day(-1), "end": day(-1),
            "evidence": [{"sha256": sha, "size": 10, "filename": filename, "content_type": "application/pdf"}]}


def test_another_tenants_evidence_cannot_be_cited_and_answers_like_a_missing_one(org):
    campaign, secretary_a, school_b = _setup(org)
    secret = PDF + uuid.uuid4().bytes
    theirs = ok(upload(secretary_a, org.branch_a["id"], secret, "内部.pdf"), 201)["sha256"]
    ok(secretary_a.post("/api/v1/activities", _activity(org, org.branch_a, campaign.id, theirs)), 201)
    stolen = school_b.post("/api/v1/activities", _activity(org, org.school_b, campaign.id, theirs))
    missing = school_b.post("/api/v1/activities", _activity(org, org.school_b, campaign.id, uuid.uuid4().hex * 2))
    assert stolen.status == 422 and _without_sha(stolen) == _without_sha(missing)
    assert school_b.get(f"/api/v1/evidence/{theirs}").status == 404
    # One's own upload, and a file one can already see cited, may be cited.
    own = ok(upload(school_b, org.school_b["id"], PDF + uuid.uuid4().bytes), 201)["sha256"]
    ok(school_b.post("/api/v1/activities", _activity(org, org.school_b, campaign.id, own)), 201)
    school_a = org.user_with_role(org.school_a, "admin")
    ok(school_a.post("/api/v1/activities", _activity(org, org.school_a, campaign.id, theirs)), 201)


def test_a_path_in_the_hash_never_reaches_the_filesystem(org):
    campaign, secretary_a, _ = _setup(org)
    probe = "/" * (64 - len("etc/hostname")) + "etc/hostname"  # an existing file, 64 characters
    assert len(probe) == 64
    reply = secretary_a.post("/api/v1/activities", _activity(org, org.branch_a, campaign.id, probe))
    missing = secretary_a.post("/api/v1/activities", _activity(org, org.branch_a, campaign.id, "c" * 64))
    assert _without_sha(reply) == _without_sha(missing)
    for sha in ("%2F" * 52 + "etc%2Fhostname", "A" * 64, "g" * 64):
        assert secretary_a.get(f"/api/v1/evidence/{sha}").status == 404


def test_a_downloaded_filename_carries_no_bidi_override_or_control_characters(org):
    campaign, secretary_a, _ = _setup(org)
    sha = ok(upload(secretary_a, org.branch_a["id"], PDF + uuid.uuid4().bytes), 201)["sha256"]
    ok(secretary_a.post("/api/v1/activities", _activity(
        org, org.branch_a, campaign.id, sha, filename="发票\u202efdp.exe")), 201)
    reply = secretary_a.get(f"/api/v1/evidence/{sha}")
    assert reply.status == 200
    disposition = reply.headers["Content-Disposition"]
    assert "filename*=utf-8''" in disposition.lower()
    assert "%E2%80%AE" not in disposition and "%07" not in disposition and "\u202e" not in disposition
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_rectification_evidence_is_checked_after_access_and_like_a_missing_file(org):
    campaign, secretary_a, school_b = _setup(org)
    theirs = ok(upload(secretary_a, org.branch_a["id"], PDF + uuid.uuid4().bytes), 201)["sha256"]
    problem = ok(secretary_a.post("/api/v1/problems", {
        "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "description": "问题", "category": "思想观念"}), 201)
    mine = ok(school_b.post("/api/v1/problems", {
        "tenant_id": org.school_b["id"], "plan_id": campaign.id, "description": "问题", "category": "思想观念"}), 201)
    ref = {"size": 10, "filename": "x.pdf", "content_type": "application/pdf"}
    for sha in (theirs, uuid.uuid4().hex * 2):
        # someone else's problem: 404 whatever the evidence, so the hash's existence never shows
        foreign = school_b.post(f"/api/v1/problems/{problem['id']}/complete",
                                {"summary": "完成", "evidence": [{**ref, "sha256": sha}]})
        assert (foreign.status, foreign.code) == (404, "not_found")
    stolen = school_b.post(f"/api/v1/problems/{mine['id']}/complete", {"summary": "完成", "evidence": [{**ref, "sha256": theirs}]})
    missing = school_b.post(f"/api/v1/problems/{mine['id']}/complete", {"summary": "完成", "evidence": [{**ref, "sha256": "d" * 64}]})
    assert stolen.status == 422 and _without_sha(stolen) == _without_sha(missing)
