"""The campaign rules that read the organisation tree, checked in the application itself
(no API in between): a refused command raises its code and records nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from taolun.events.campaigns import Plan
from taolun.events.campaigns.application import Campaigns
from taolun.events.kernel import DomainError

CITY, SCHOOL, OTHER_SCHOOL, BRANCH, OTHER_BRANCH = (uuid4() for _ in range(5))
DIRECTOR, SCHOOL_ADMIN, SECRETARY, STRANGER = (uuid4() for _ in range(4))
FILE = "f" * 64


@pytest.fixture
def app(memory_app: Campaigns, tree, uploads) -> Campaigns:
    tree.add("bureau", unit_id=CITY)
    tree.add("school", CITY, unit_id=SCHOOL)
    tree.add("school", CITY, unit_id=OTHER_SCHOOL)
    tree.add("branch", SCHOOL, unit_id=BRANCH)
    tree.add("branch", OTHER_SCHOOL, unit_id=OTHER_BRANCH)
    tree.grant(DIRECTOR, CITY, "admin")
    tree.grant(SCHOOL_ADMIN, SCHOOL, "admin")
    tree.grant(SECRETARY, BRANCH, "secretary")
    uploads.upload(SECRETARY, FILE)
    return memory_app


@pytest.fixture
def campaign(app: Campaigns):
    cid, _ = app.author_campaign(DIRECTOR, CITY, "解放思想大讨论")
    app.add_phase(cid, DIRECTOR, name="学习", start="2019-03-01", end="2019-05-31")
    app.add_topic(cid, DIRECTOR, group="", title="题目", mandatory=True)
    app.publish(cid, DIRECTOR, derive_deadline="2019-02-20")
    return cid


def refused(app: Campaigns, code: str, command, *args, **kwargs) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(DomainError) as error:
        command(*args, **kwargs)
    assert error.value.code == code, error.value.details
    assert app.recorder.max_notification_id() == before


def entry(**extra) -> dict:
    return {"kind": "座谈会", "title": "座谈会", "start": "2019-04-01", "end": "2019-04-01", **extra}


def test_only_a_bureau_launches_a_campaign(app):
    refused(app, "not_a_bureau", app.author_campaign, SCHOOL_ADMIN, SCHOOL, "校级活动")
    refused(app, "not_a_bureau", app.store_new_plan, Plan.author(tenant_id=BRANCH, actor=None, title="导入"))


def test_a_plan_is_derived_published_and_assigned_only_below(app, campaign):
    school_plan, _ = app.derive_plan(campaign, SCHOOL_ADMIN, SCHOOL)
    refused(app, "unit_outside_subtree", app.derive_plan, school_plan, DIRECTOR, OTHER_SCHOOL)
    refused(app, "unit_outside_subtree", app.derive_plan, campaign, DIRECTOR, uuid4())  # unknown unit
    refused(app, "unit_outside_subtree", app.assign_task, school_plan, SCHOOL_ADMIN, uuid4(),
            unit_id=OTHER_BRANCH, owner="外校")
    draft, _ = app.author_campaign(DIRECTOR, CITY, "另一个活动")
    refused(app, "unit_outside_subtree", app.publish, draft, DIRECTOR, unit_ids=[SCHOOL, CITY],
            derive_deadline="2019-02-20")


def test_one_plan_per_unit_per_campaign_whoever_stores_it(app, campaign, monkeypatch):
    app.derive_plan(campaign, SCHOOL_ADMIN, SCHOOL)
    refused(app, "plan_exists", app.derive_plan, campaign, SCHOOL_ADMIN, SCHOOL)
    imported = Plan.derive(parent=app.get_plan(campaign), tenant_id=SCHOOL, actor=SCHOOL_ADMIN)
    refused(app, "plan_exists", app.store_new_plan, imported)
    # A writer that looked before the other one stored is stopped by the store itself.
    monkeypatch.setattr(Campaigns, "_stored", _false_then_real())
    late = Plan.derive(parent=app.get_plan(campaign), tenant_id=SCHOOL, actor=SCHOOL_ADMIN)
    refused(app, "plan_exists", app.store_new_plan, late)


def _false_then_real():
    """``_stored`` that misses the unit's index once (as a racing writer's read would)."""
    real = Campaigns._stored
    calls = []

    def stored(self, aggregate_id):
        calls.append(aggregate_id)
        return False if len(calls) == 1 else real(self, aggregate_id)

    return stored


def test_records_are_kept_against_a_plan_of_the_unit_or_above(app, campaign):
    school_plan, _ = app.derive_plan(campaign, SCHOOL_ADMIN, SCHOOL)
    refused(app, "plan_not_for_unit", app.log_activity, SECRETARY, OTHER_BRANCH, school_plan, **entry())
    refused(app, "plan_not_for_unit", app.submit_suggestion, SECRETARY, OTHER_BRANCH, school_plan,
            title="建议", content="内容")
    refused(app, "plan_not_for_unit", app.record_problem, SECRETARY, CITY, school_plan,
            description="问题", category="工作作风")


def test_evidence_is_cited_only_by_who_may(app, campaign):
    theirs = {"sha256": FILE, "filename": "记录.pdf", "size": 1, "content_type": "application/pdf"}
    refused(app, "evidence_not_found", app.log_activity, SCHOOL_ADMIN, BRANCH, campaign, **entry(evidence=[theirs]))
    aid, _ = app.log_activity(SECRETARY, BRANCH, campaign, **entry(evidence=[theirs]))
    refused(app, "evidence_not_found", app.correct_activity, aid, SECRETARY, "补充",
            evidence=[{**theirs, "sha256": "e" * 64}])


def test_who_reviews_returns_verifies_and_corrects(app, campaign):
    school_plan, _ = app.derive_plan(campaign, SCHOOL_ADMIN, SCHOOL)
    app.submit(school_plan, SCHOOL_ADMIN)
    refused(app, "not_parent_admin", app.approve, school_plan, SCHOOL_ADMIN)
    refused(app, "not_parent_admin", app.return_plan, school_plan, STRANGER, ["缺少安排"])
    app.approve(school_plan, DIRECTOR)
    aid, _ = app.log_activity(SECRETARY, BRANCH, campaign, **entry())
    refused(app, "parent_unit_only", app.return_activity, aid, SECRETARY, "太简单")
    refused(app, "not_own_entry", app.correct_activity, aid, STRANGER, "改", title="新")
    refused(app, "not_own_entry", app.retract_activity, aid, STRANGER, "重复")
    app.correct_activity(aid, SCHOOL_ADMIN, "改", title="新")  # an admin above the branch may
    app.return_activity(aid, SCHOOL_ADMIN, "太简单")
    pid, _ = app.record_problem(SECRETARY, BRANCH, campaign, description="问题", category="工作作风")
    app.plan_rectification(pid, SECRETARY, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                           deadline="2019-05-01")
    app.complete_rectification(pid, SECRETARY, summary="完成",
                               evidence=[{"sha256": FILE, "filename": "a.pdf", "size": 1, "content_type": "application/pdf"}])
    refused(app, "parent_unit_only", app.verify_rectification, pid, SECRETARY)
    app.verify_rectification(pid, SCHOOL_ADMIN)
    refused(app, "parent_unit_only", app.reopen_problem, pid, STRANGER, "反弹")


def test_an_application_without_its_tree_refuses_to_run_rules_rather_than_skip_them():
    app = Campaigns(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with pytest.raises(RuntimeError):
        app.author_campaign(DIRECTOR, CITY, "t")
