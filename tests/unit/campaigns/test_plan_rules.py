"""The Plan aggregate's guards: a violated rule raises a stable code and records nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from taolun.events.campaigns import diff as diffs
from taolun.events.campaigns.application import Campaigns
from taolun.events.campaigns import Plan
from taolun.events.kernel import Conflict, DomainError, Forbidden, NotFound

CITY, DISTRICT, SCHOOL, OTHER = uuid4(), uuid4(), uuid4(), uuid4()
ACTOR = uuid4()


def rejects(plan: Plan, code: str, command: str, *args, **kwargs) -> DomainError:
    """Run a command that must fail with ``code`` and leave no pending event behind."""
    before = (plan.version, len(plan.pending_events))
    with pytest.raises(DomainError) as e:
        getattr(plan, command)(*args, **kwargs)
    assert e.value.code == code, e.value.details
    assert (plan.version, len(plan.pending_events)) == before
    return e.value


def campaign(**publish) -> Plan:
    plan = Plan.author(tenant_id=CITY, actor=ACTOR, title="解放思想大讨论")
    plan.study = plan.add_phase(ACTOR, name="学习讨论阶段", start="2019-03-01", end="2019-05-31")
    plan.practice = plan.add_phase(ACTOR, name="实践转化阶段", start="2019-06-01", end="2019-08-15")
    plan.core = plan.add_topic(ACTOR, group="（一）", title="必选题目", mandatory=True)
    plan.extra = plan.add_topic(ACTOR, group="（二）", title="可选题目")
    plan.req = plan.add_requirement(ACTOR, kind="专题学习", metric="days", minimum=3)
    plan.task = plan.add_task(ACTOR, title="动员部署", phase_id=plan.study, due="2019-03-10")
    plan.publish(ACTOR, unit_ids=publish.get("unit_ids"), derive_deadline="2019-02-20")
    return plan


def derived(parent: Plan, tenant=SCHOOL) -> Plan:
    return Plan.derive(parent=parent, tenant_id=tenant, actor=ACTOR)


def test_a_phase_that_ends_before_it_starts_is_rejected() -> None:
    plan = Plan.author(tenant_id=CITY, actor=ACTOR, title="t")
    rejects(plan, "phase_ends_before_start", "add_phase", ACTOR, name="阶段", start="2019-05-01", end="2019-04-01")


def test_a_requirement_naming_an_unknown_activity_kind_is_rejected() -> None:
    plan = Plan.author(tenant_id=CITY, actor=ACTOR, title="t")
    rejects(plan, "unknown_activity_kind", "add_requirement", ACTOR, kind="联欢会", metric="count", minimum=1)


def test_a_task_due_outside_its_phase_is_rejected() -> None:
    plan = Plan.author(tenant_id=CITY, actor=ACTOR, title="t")
    phase = plan.add_phase(ACTOR, name="阶段", start="2019-03-01", end="2019-03-31")
    rejects(plan, "task_due_outside_phase", "add_task", ACTOR, title="任务", phase_id=phase, due="2019-04-02")


def test_an_incomplete_campaign_cannot_be_published() -> None:
    plan = Plan.author(tenant_id=CITY, actor=ACTOR, title="t")
    err = rejects(plan, "plan_incomplete", "publish", ACTOR, unit_ids=None, derive_deadline="2019-02-01")
    assert {m["item"] for m in err.details["missing"]} == {"phases", "topics"}


def test_a_published_campaign_is_not_editable_until_reopened_for_amendment() -> None:
    plan = campaign()
    rejects(plan, "plan_not_editable", "add_topic", ACTOR, group="", title="新题目")
    rejects(plan, "plan_not_amending", "publish_amendment", ACTOR, "摘要")
    plan.reopen(ACTOR, "调整")
    plan.add_topic(ACTOR, group="", title="新题目")
    rejects(plan, "required_field_missing", "publish_amendment", ACTOR, " ")
    plan.publish_amendment(ACTOR, "新增题目")
    assert [v["number"] for v in plan.versions] == [1, 2] and plan.status == "published"


def test_a_plan_can_only_be_derived_from_a_released_parent_by_a_target_unit() -> None:
    draft = Plan.author(tenant_id=CITY, actor=ACTOR, title="t")
    with pytest.raises(DomainError) as e:
        derived(draft)
    assert e.value.code == "parent_not_released"
    chosen = campaign(unit_ids=[SCHOOL])
    assert derived(chosen).parent_version == 1
    with pytest.raises(Forbidden):
        derived(chosen, tenant=OTHER)


def test_inherited_phases_may_be_narrowed_only_inside_the_parents_window() -> None:
    parent = campaign()
    plan = derived(parent)
    rejects(plan, "outside_parent_window", "revise_phase", ACTOR, parent.study, start="2019-02-28")
    rejects(plan, "outside_parent_window", "revise_phase", ACTOR, parent.study, end="2019-06-01")
    rejects(plan, "inherited_item_readonly", "revise_phase", ACTOR, parent.study, name="改名")
    rejects(plan, "task_due_outside_phase", "revise_phase", ACTOR, parent.study, start="2019-03-15")
    plan.revise_phase(ACTOR, parent.study, start="2019-03-05", end="2019-05-20")
    assert plan.phases[str(parent.study)]["parent_start"] == "2019-03-01"


def test_a_local_phase_must_lie_inside_the_parents_overall_window() -> None:
    plan = derived(campaign())
    rejects(plan, "outside_parent_window", "add_phase", ACTOR, name="总结", start="2019-08-01", end="2019-09-01")
    plan.add_phase(ACTOR, name="总结", start="2019-08-01", end="2019-08-15")


def test_mandatory_topics_and_inherited_requirements_and_tasks_cannot_be_dropped() -> None:
    parent = campaign()
    plan = derived(parent)
    rejects(plan, "mandatory_item_cannot_be_removed", "remove_topic", ACTOR, parent.core)
    rejects(plan, "mandatory_topic_cannot_be_declined", "decline_topic", ACTOR, parent.core, "理由")
    rejects(plan, "inherited_item_cannot_be_removed", "remove_topic", ACTOR, parent.extra)
    rejects(plan, "mandatory_item_cannot_be_removed", "remove_requirement", ACTOR, parent.req)
    rejects(plan, "mandatory_item_cannot_be_removed", "remove_task", ACTOR, parent.task)
    rejects(plan, "inherited_item_readonly", "revise_task", ACTOR, parent.task, title="改")
    rejects(plan, "required_field_missing", "decline_topic", ACTOR, parent.extra, "")
    plan.decline_topic(ACTOR, parent.extra, "本校不涉及")
    assert plan.topics[str(parent.extra)]["declined"] == "本校不涉及"


def test_unknown_items_are_not_found() -> None:
    plan = derived(campaign())
    with pytest.raises(NotFound) as e:
        plan.decline_topic(ACTOR, uuid4(), "理由")
    assert e.value.code == "topic_not_found"


def test_tasks_are_assigned_to_own_branches_once_each_with_a_due_date_inside_the_phase() -> None:
    parent = campaign()
    plan = derived(parent)
    branch = uuid4()
    rejects(plan, "assign_to_own_unit", "assign_task", ACTOR, parent.task, unit_id=SCHOOL, owner="书记")
    rejects(plan, "task_due_outside_phase", "assign_task", ACTOR, parent.task, unit_id=branch, owner="书记",
            due="2019-07-01")
    plan.assign_task(ACTOR, parent.task, unit_id=branch, owner="书记", due="2019-03-08")
    with pytest.raises(Conflict):
        plan.assign_task(ACTOR, parent.task, unit_id=branch, owner="书记")
    plan.unassign_task(ACTOR, parent.task, unit_id=branch)
    assert plan.tasks[str(parent.task)]["assignments"] == []


def test_a_plan_missing_mandatory_items_cannot_be_submitted() -> None:
    parent = Plan.author(tenant_id=CITY, actor=ACTOR, title="t")
    parent.add_phase(ACTOR, name="阶段", start="2019-03-01", end="2019-03-31")
    only = parent.add_topic(ACTOR, group="", title="可选")
    parent.publish(ACTOR, unit_ids=None, derive_deadline="2019-02-01")
    plan = derived(parent)
    plan.decline_topic(ACTOR, only, "不适用")
    err = rejects(plan, "plan_missing_mandatory_items", "submit", ACTOR)
    assert [m["item"] for m in err.details["missing"]] == ["topics"]


def test_only_a_submitted_plan_can_be_approved_or_returned_and_returns_need_reasons() -> None:
    plan = derived(campaign())
    rejects(plan, "plan_not_submitted", "approve", ACTOR)
    rejects(plan, "plan_not_submitted", "return_plan", ACTOR, ["理由"])
    plan.submit(ACTOR)
    rejects(plan, "plan_not_editable", "submit", ACTOR)
    rejects(plan, "required_field_missing", "return_plan", ACTOR, [])
    plan.return_plan(ACTOR, ["缺少本校题目"])
    assert plan.status == "returned"
    plan.add_topic(ACTOR, group="本校", title="本校题目")
    plan.submit(ACTOR)
    plan.approve(ACTOR)
    assert (plan.status, plan.released_version) == ("approved", 1)
    rejects(campaign(), "not_a_derived_plan", "approve", ACTOR)


def test_derivation_goes_several_levels_and_carries_narrowed_windows_down() -> None:
    city = campaign()
    district = derived(city, tenant=DISTRICT)
    district.revise_phase(ACTOR, city.study, start="2019-03-05", end="2019-05-20")
    district.decline_topic(ACTOR, city.extra, "本区不涉及")
    district.submit(ACTOR)
    district.approve(ACTOR)
    school = derived(district)
    assert (school.parent_id, school.campaign_id) == (district.id, city.id)
    assert school.phases[str(city.study)]["parent_start"] == "2019-03-05"
    assert str(city.extra) not in school.topics
    rejects(school, "outside_parent_window", "revise_phase", ACTOR, city.study, start="2019-03-01")


def test_a_rebase_is_refused_without_a_pending_change_or_outside_an_editable_state() -> None:
    parent = campaign()
    plan = derived(parent)
    rejects(plan, "no_upstream_change", "rebase", ACTOR)
    plan.submit(ACTOR)
    parent.reopen(ACTOR, "调整")
    parent.add_topic(ACTOR, group="", title="新增")
    parent.publish_amendment(ACTOR, "新增题目")
    change = diffs.content_diff(parent.version_content(1), parent.version_content(2))
    assert plan.mark_upstream_changed(None, parent_version=2, diff=change) is True
    assert plan.mark_upstream_changed(None, parent_version=2, diff=change) is False
    rejects(plan, "plan_not_editable", "rebase", ACTOR)


def test_while_an_upstream_change_is_pending_dates_are_checked_against_the_new_window() -> None:
    parent = campaign()
    plan = derived(parent)
    plan.revise_phase(ACTOR, parent.study, start="2019-03-02", end="2019-05-20")
    parent.reopen(ACTOR, "调整")
    parent.revise_phase(ACTOR, parent.study, start="2019-03-05")
    parent.publish_amendment(ACTOR, "推迟")
    plan.mark_upstream_changed(None, parent_version=2,
                               diff=diffs.content_diff(parent.version_content(1), parent.version_content(2)))
    rejects(plan, "rebase_conflicts", "rebase", ACTOR)
    rejects(plan, "outside_parent_window", "revise_phase", ACTOR, parent.study, start="2019-03-03")
    plan.revise_phase(ACTOR, parent.study, start="2019-03-06")
    plan.rebase(ACTOR)
    assert plan.phases[str(parent.study)]["parent_start"] == "2019-03-05" and plan.parent_version == 2


@pytest.fixture(autouse=True)
def _units(tree) -> None:
    tree.add("bureau", unit_id=CITY)
    tree.add("bureau", CITY, unit_id=DISTRICT)
    tree.add("school", DISTRICT, unit_id=SCHOOL)


def test_a_stale_expected_version_is_a_conflict_and_records_nothing(memory_app: Campaigns) -> None:
    plan_id, _ = memory_app.author_campaign(ACTOR, CITY, "t")
    memory_app.add_topic(plan_id, ACTOR, group="", title="a", expected_version=1)
    with pytest.raises(Conflict) as e:
        memory_app.add_topic(plan_id, ACTOR, group="", title="b", expected_version=1)
    assert (e.value.code, e.value.status, e.value.details["actual_version"]) == ("version_conflict", 409, 2)
    assert memory_app.get_plan(plan_id).version == 2


def test_two_writers_on_one_plan_never_lose_an_update(memory_app: Campaigns) -> None:
    plan_id, _ = memory_app.author_campaign(ACTOR, CITY, "t")
    first, second = memory_app.get_plan(plan_id), memory_app.get_plan(plan_id)
    first.add_topic(ACTOR, group="", title="a")
    second.add_topic(ACTOR, group="", title="b")
    memory_app.save_all(first)
    with pytest.raises(Conflict):
        memory_app._save(second)
    assert [t["title"] for t in memory_app.get_plan(plan_id).topics.values()] == ["a"]


def test_a_long_lived_plan_is_snapshotted_and_restored_the_same(memory_app: Campaigns) -> None:
    plan_id, _ = memory_app.author_campaign(ACTOR, CITY, "t")
    memory_app.add_phase(plan_id, ACTOR, name="阶段", start="2019-03-01", end="2019-05-31")
    for i in range(60):
        memory_app.add_topic(plan_id, ACTOR, group="", title=f"题目{i}")
    memory_app.publish(plan_id, ACTOR, unit_ids=[SCHOOL], derive_deadline="2019-02-01")
    assert list(memory_app.snapshots.get(plan_id))
    restored = memory_app.repository.get(plan_id)
    replayed = None
    for stored in memory_app.events.get(plan_id):
        replayed = stored.mutate(replayed)
    assert replayed.version == restored.version
    assert restored.sections == replayed.sections and restored.publication["unit_ids"] == [SCHOOL]


def test_missing_plans_are_not_found(memory_app: Campaigns) -> None:
    with pytest.raises(NotFound) as e:
        memory_app.get_plan(uuid4())
    assert e.value.code == "plan_not_found"
