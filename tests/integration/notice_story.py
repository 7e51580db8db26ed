"""The people of the notice tests: a city publishes a campaign (derive by day +5) to two
districts, a school and a branch, each with its admin (the branch: its secretary)."""

from __future__ import annotations

from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.conftest import Org
from tests.integration.test_cross_tenant_matrix import operator


def published_story(runtime):
    org = Org(operator(runtime))
    s = type("Story", (), {})()
    s.org = org
    s.city = org.user_with_role(org.city, "admin")
    s.district = org.user_with_role(org.district_a, "admin")
    s.district_b = org.user_with_role(org.district_b, "admin")
    s.school = org.user_with_role(org.school_a, "admin")
    s.secretary = org.user_with_role(org.branch_a, "secretary")
    s.campaign = Campaign(s.city, org.city, publish=False)
    ok(s.city.post(f"/api/v1/plans/{s.campaign.id}/publish", {"derive_deadline": day(5)}))
    return s
