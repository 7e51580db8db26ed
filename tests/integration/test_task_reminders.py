"""The 督办 of tasks: a school gives a task to its branch with an owner and a due date; once
the school's plan is approved the branch is chased blue → yellow → red on the campaign's
cadence, the school's admin gets the red copies, and it stops when the branch logs an
activity for the task. A campaign may turn a rule off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taolun.notifications.models import InboxMessage
from taolun.notifications.reminders import scan
from taolun.projections.models import TaskAssignment
from taolun.projections.todo import todo
from tests.e2e.campaign_helpers import TODAY, day, ok
from tests.integration.notice_story import published_story

pytestmark = pytest.mark.usefixtures("django_ready")


def levels(user, rule: str = "task_due") -> list[str]:
    return list(InboxMessage.objects.filter(user_id=user.user["id"], rule=rule).order_by("id")
                .values_list("level", flat=True))


def task_notices(user) -> int:
    return InboxMessage.objects.filter(user_id=user.user["id"], rule="task_due").count()


@pytest.fixture(scope="module")
def story(runtime):
    s = published_story(runtime)
    org, campaign = s.org, s.campaign
    plan = ok(s.school.post(f"/api/v1/plans/{campaign.id}/derive",
                            {"tenant_id": org.school_a["id"], "title": "实验中学实施方案"}), 201)
    s.plan = f"/api/v1/plans/{plan['id']}"
    s.task = ok(s.school.post(f"{s.plan}/tasks", {"title": "开展支部专题研讨", "phase_id": campaign.p2,
                                                  "due": day(10)}), 201)["id"]
    ok(s.school.post(f"{s.plan}/tasks/{s.task}/assignments",
                     {"unit_id": org.branch_a["id"], "owner": "李书记", "due": day(3)}), 201)
    runtime.runner.catch_up()
    scan(on=TODAY)  # a draft binds nobody yet
    s.told_in_draft = task_notices(s.secretary)
    ok(s.school.post(f"{s.plan}/submit", {}))
    ok(s.city.post(f"{s.plan}/approve", {}))
    runtime.runner.catch_up()
    s.todo = [i for i in todo([(org.branch_a["path"], "secretary")], TODAY) if i["kind"] == "task_due"]
    for offset in range(0, 7):  # due day 3: blue day 0, yellow days 1–3, red days 4–6
        scan(on=TODAY + timedelta(days=offset))
        scan(on=TODAY + timedelta(days=offset))  # twice: nothing twice
    settings = f"/api/v1/campaigns/{campaign.id}/progress-settings"
    s.refused = s.city.request("PUT", settings, {"remind_task_due": 2})
    ok(s.city.request("PUT", settings, {"remind_task_due": 0}))  # the campaign turns the rule off
    runtime.runner.catch_up()
    before = task_notices(s.secretary)
    scan(on=TODAY + timedelta(days=7))
    s.told_while_off = task_notices(s.secretary) - before
    ok(s.city.request("PUT", settings, {"remind_task_due": 1}))
    ok(s.secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": plan["id"], "kind": "研讨会", "title": "支部专题研讨",
        "start": f"{day(0)}T15:00:00+08:00", "end": f"{day(0)}T17:00:00+08:00", "participants": 12,
        "hours": 2, "task_id": s.task}), 201)
    runtime.runner.catch_up()
    before = task_notices(s.secretary)
    scan(on=TODAY + timedelta(days=8))
    s.told_once_done = task_notices(s.secretary) - before
    return s


def test_an_assignment_is_a_row_of_the_read_model_with_its_owner_and_due_date(story):
    row = TaskAssignment.objects.get(task_id=story.task, node_id=story.org.branch_a["id"])
    assert (row.title, row.owner, row.due) == ("开展支部专题研讨", "李书记", day(3))
    assert str(row.assigned_by) == story.org.school_a["id"]


def test_a_task_in_a_draft_plan_chases_nobody(story):
    assert story.told_in_draft == 0


def test_the_branch_sees_the_task_in_its_to_do_list_once_the_plan_is_approved(story):
    assert [(i["description"], i["owner"], i["days_left"]) for i in story.todo] == [("开展支部专题研讨", "李书记", 3)]


def test_the_branch_is_chased_blue_yellow_red_and_the_school_gets_the_red_copies(story):
    assert levels(story.secretary)[:7] == ["blue", "yellow", "yellow", "yellow", "red", "red", "red"]
    assert levels(story.school) == ["red", "red", "red"]
    first = InboxMessage.objects.filter(user_id=story.secretary.user["id"], rule="task_due").order_by("id")[0]
    assert first.subject == "【督办】任务“开展支部专题研讨”还剩 3 天"
    assert "李书记" in first.body and day(3) in first.body


def test_a_campaign_turns_the_task_rule_off_and_an_out_of_range_switch_is_refused(story):
    assert story.refused.status == 422
    assert story.told_while_off == 0


def test_logging_an_activity_for_the_task_stops_the_chase(story):
    assert story.told_once_done == 0
    assert len(levels(story.secretary)) == 7
