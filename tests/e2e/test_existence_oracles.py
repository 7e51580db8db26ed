"""Issue 7: a referenced object outside the caller's grants answers exactly like a missing
one, with the same words (no "progress missing" vs "campaign missing" oracle)."""

from __future__ import annotations

import uuid

from tests.e2e.campaign_helpers import Campaign, ok
from tests.e2e.test_plan_import import sample, upload
from taolun.platform import sample_plans


def test_progress_of_a_foreign_campaign_answers_like_a_missing_campaign(org, ops):
    from tests.e2e.conftest import Org

    other = Org(ops)  # another city
    foreign = Campaign(other.user_with_role(other.city, "admin"), other.city)
    school = org.user_with_role(org.school_a, "admin")
    node = org.school_a["id"]
    for suffix in ("", "/units"):
        seen = school.get(f"/api/v1/campaigns/{foreign.id}/progress/{node}{suffix}")
        missing = school.get(f"/api/v1/campaigns/{uuid.uuid4()}/progress/{node}{suffix}")
        assert (seen.status, seen.body) == (missing.status, missing.body) == (404, seen.body)


def test_importing_under_a_foreign_or_unreleased_parent_answers_like_a_missing_plan(org, ops):
    from tests.e2e.conftest import Org

    other = Org(ops)
    foreign = Campaign(other.user_with_role(other.city, "admin"), other.city)
    draft = Campaign(org.user_with_role(org.city, "admin"), org.city, publish=False)
    admin = org.user_with_role(org.school_a, "admin")
    doc = {"file": ("plan.txt", sample(sample_plans.SCHOOL))}
    path = f"/api/v1/tenants/{org.school_a['id']}/plan-imports"
    answers = [
        upload(admin, path, fields={"parent_plan_id": parent}, files=doc)
        for parent in (foreign.id, draft.id, str(uuid.uuid4()))
    ]
    assert {(a.status, a.code, a.body["message"]) for a in answers} == {(404, "not_found", "方案不存在")}
