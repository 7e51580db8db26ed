"""Every rule that the routers used to check now lives on the write side: it answers the
same through the API, the importer (API, page, CLI) and a direct call, and a refused
command appends nothing."""

import uuid

import pytest
from django.test import Client

from taolun.events.kernel import DomainError
from taolun.platform import cli, sample_plans
from tests.integration.actors import token_for, uploaded_evidence
from tests.integration.test_idempotency import Api, bearer, head
from tests.integration.test_progress_projection import build_city, code, day

pytestmark = pytest.mark.usefixtures("django_ready")


class City:
    """A published campaign; school 0's plan derived and approved; school 1 without one."""

    def __init__(self, runtime) -> None:
        self.rt = runtime
        (self.city, self.schools, self.branches, self.cid, self.plan, self.phase,
         self.boss) = build_city(runtime)
        self.ops = Api(bearer(runtime)[1])

    def user(self, node, role) -> tuple[uuid.UUID, Api]:
        user_id, token = token_for(self.rt, node, role)
        return user_id, Api(token)

    def refused(self, reply, status: int, code: str) -> None:
        """``reply`` is the answer of a request sent after ``self.before`` was taken."""
        assert (reply[0], reply[1]["code"]) == (status, code), reply[1]
        assert head(self.rt) == self.before

    def mark(self) -> None:
        self.rt.runner.catch_up()
        self.before = head(self.rt)


@pytest.fixture()
def w(runtime) -> City:
    return City(runtime)


def activity(w: City, unit, plan, **extra) -> dict:
    return {"tenant_id": str(unit), "plan_id": str(plan), "kind": "专题学习", "title": "学习",
            "start": day(-1), "end": day(-1), **extra}


def send(api: Api, method: str, path: str, payload=None):
    return api.send(method, path, payload)[:2]


def test_only_a_bureau_launches_a_campaign_through_the_api_the_importer_and_the_cli(w, tmp_path, capsys):
    _, school_admin = w.user(w.schools[1], "admin")
    token = school_admin.token
    w.mark()
    w.refused(send(school_admin, "POST", "/api/v1/campaigns", {"tenant_id": str(w.schools[1]), "title": "校级活动"}),
              422, "not_a_bureau")
    imported = Client().post(f"/api/v1/tenants/{w.schools[1]}/plan-imports",
                             {"text": sample_plans.read(sample_plans.CITY).decode()},
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    w.refused((imported.status_code, imported.json()), 422, "not_a_bureau")
    document = tmp_path / "campaign.txt"
    document.write_bytes(sample_plans.read(sample_plans.CITY))
    assert cli.main(["import-plan", str(document), "--tenant", str(w.schools[1])]) == 1
    assert "not_a_bureau" in capsys.readouterr().err
    assert head(w.rt) == w.before


def test_plans_go_only_to_units_below(w):
    _, school_admin = w.user(w.schools[0], "admin")
    w.mark()
    # A derive for a unit beside the plan's unit, a publication and an assignment to one.
    w.refused(send(w.ops, "POST", f"/api/v1/plans/{w.plan}/derive", {"tenant_id": str(w.schools[1])}),
              422, "unit_outside_subtree")
    w.refused(send(school_admin, "POST", f"/api/v1/plans/{w.plan}/publish",
                   {"derive_deadline": day(5), "unit_ids": [str(w.branches[1])]}), 422, "unit_outside_subtree")
    w.refused(send(school_admin, "POST", f"/api/v1/plans/{w.plan}/tasks/{uuid.uuid4()}/assignments",
                   {"unit_id": str(w.branches[1]), "owner": "外校"}), 422, "unit_outside_subtree")
    # The importer resolves the parent first: a plan not above the unit is not found.
    imported = Client().post(f"/api/v1/tenants/{w.schools[1]}/plan-imports",
                             {"text": "实施方案", "parent_plan_id": str(w.plan)},
                             HTTP_AUTHORIZATION=f"Bearer {w.ops.token}")
    w.refused((imported.status_code, imported.json()), 404, "not_found")
    # The same rule, called directly (a page or a worker would).
    with pytest.raises(DomainError) as refused:
        w.rt.campaigns.derive_plan(w.plan, w.boss, w.schools[1])
    assert refused.value.code == "unit_outside_subtree" and head(w.rt) == w.before


def test_records_are_kept_against_a_plan_of_the_unit_or_above(w):
    w.mark()
    other_school_branch = w.branches[1]  # under school 1; the plan is school 0's
    w.refused(send(w.ops, "POST", "/api/v1/activities", activity(w, other_school_branch, w.plan)),
              422, "plan_not_for_unit")
    w.refused(send(w.ops, "POST", "/api/v1/suggestions", {"tenant_id": str(other_school_branch),
                   "plan_id": str(w.plan), "title": "建议", "content": "内容"}), 422, "plan_not_for_unit")
    w.refused(send(w.ops, "POST", "/api/v1/problems", {"tenant_id": str(other_school_branch),
                   "plan_id": str(w.plan), "description": "问题", "category": "工作作风"}),
              422, "plan_not_for_unit")


def test_evidence_is_cited_only_by_who_uploaded_it(w):
    secretary_id, secretary = w.user(w.branches[0], "secretary")
    _, other = w.user(w.branches[0], "secretary")
    theirs = uploaded_evidence(secretary_id)
    problem, _ = w.rt.campaigns.record_problem(w.boss, w.branches[0], w.plan, description="问题", category="工作作风")
    w.rt.campaigns.plan_rectification(problem, w.boss, measures=["措施"], lead_leader="甲",
                                      responsible_units=["乙"], deadline=day(5))
    w.mark()
    w.refused(send(other, "POST", "/api/v1/activities", activity(w, w.branches[0], w.plan, evidence=[theirs])),
              422, "evidence_not_found")
    w.refused(send(other, "POST", f"/api/v1/problems/{problem}/complete", {"summary": "完成", "evidence": [theirs]}),
              422, "evidence_not_found")
    assert send(secretary, "POST", "/api/v1/activities", activity(w, w.branches[0], w.plan, evidence=[theirs]))[0] == 201


def test_a_derived_plan_is_reviewed_by_an_admin_of_the_parent_unit(w):
    _, school_admin = w.user(w.schools[1], "admin")
    _, city_admin = w.user(w.city, "admin")
    plan, _ = w.rt.campaigns.derive_plan(w.cid, w.boss, w.schools[1])
    w.rt.campaigns.submit(plan, w.boss)
    w.mark()
    w.refused(send(school_admin, "POST", f"/api/v1/plans/{plan}/approve", {}), 403, "not_parent_admin")
    w.refused(send(school_admin, "POST", f"/api/v1/plans/{plan}/return", {"reasons": ["缺少安排"]}),
              403, "not_parent_admin")
    assert send(city_admin, "POST", f"/api/v1/plans/{plan}/approve", {})[0] == 200


def test_records_are_returned_verified_and_reopened_from_above_and_corrected_by_their_author(w):
    secretary_id, secretary = w.user(w.branches[0], "secretary")
    _, other_secretary = w.user(w.branches[0], "secretary")
    _, branch_admin = w.user(w.branches[0], "admin")
    _, school_admin = w.user(w.schools[0], "admin")
    entry = send(secretary, "POST", "/api/v1/activities", activity(w, w.branches[0], w.plan))[1]["id"]
    problem, _ = w.rt.campaigns.record_problem(w.boss, w.branches[0], w.plan, description="问题", category="工作作风")
    w.rt.campaigns.plan_rectification(problem, w.boss, measures=["措施"], lead_leader="甲",
                                      responsible_units=["乙"], deadline=day(5))
    w.rt.campaigns.complete_rectification(problem, w.boss, summary="完成", evidence=[uploaded_evidence(w.boss)])
    w.mark()
    # The branch's own admin is not above the branch.
    w.refused(send(branch_admin, "POST", f"/api/v1/activities/{entry}/return", {"reason": "太简单"}),
              403, "parent_unit_only")
    w.refused(send(branch_admin, "POST", f"/api/v1/problems/{problem}/verify", {"text": "同意"}),
              403, "parent_unit_only")
    # Another secretary of the same branch did not log the entry.
    w.refused(send(other_secretary, "POST", f"/api/v1/activities/{entry}/correct",
                   {"reason": "改", "title": "新标题"}), 403, "not_own_entry")
    w.refused(send(other_secretary, "POST", f"/api/v1/activities/{entry}/retract", {"reason": "重复"}),
              403, "not_own_entry")
    assert send(school_admin, "POST", f"/api/v1/problems/{problem}/verify", {"text": "同意"})[0] == 200
    w.mark()
    w.refused(send(branch_admin, "POST", f"/api/v1/problems/{problem}/reopen", {"reason": "反弹"}),
              403, "parent_unit_only")
    assert send(branch_admin, "POST", f"/api/v1/activities/{entry}/correct",
                {"reason": "改", "title": "新标题"})[0] == 200
    assert send(school_admin, "POST", f"/api/v1/activities/{entry}/return", {"reason": "太简单"})[0] == 200
    assert secretary_id is not None


def test_roots_are_made_by_operators_and_units_archived_from_above(w):
    _, city_admin = w.user(w.city, "admin")
    _, school_admin = w.user(w.schools[1], "admin")
    w.mark()
    w.refused(send(city_admin, "POST", "/api/v1/tenants", {"kind": "bureau", "code": code(), "name": "另一个市"}),
              403, "operator_only")
    w.refused(send(city_admin, "POST", f"/api/v1/tenants/{w.city}/archive", {"cascade": True}),
              403, "operator_only")
    w.refused(send(school_admin, "POST", f"/api/v1/tenants/{w.schools[1]}/archive", {"cascade": True}),
              403, "parent_admin_only")
