"""Deadline reminders, driven by an injected clock: a campaign is walked through its days
and the scan runs (twice a day: a worker may run it twice); each reminder arrives once,
escalates 督办 blue → yellow → red on its cadence, is copied to the level above at red,
and stops when the work is done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taolun.notifications.models import InboxMessage
from taolun.notifications.reminders import DEFAULTS, level, scan
from tests.e2e.campaign_helpers import PDF, TODAY, day, ok, upload
from tests.integration.notice_story import published_story

pytestmark = pytest.mark.usefixtures("django_ready")


def notices(user, rule: str, unit: dict | None = None) -> list[InboxMessage]:
    """The user's notices of ``rule`` (about ``unit`` only, when given), oldest first."""
    rows = InboxMessage.objects.filter(user_id=user.user["id"], rule=rule).order_by("id")
    return [m for m in rows if unit is None or m.params.get("unit_id") == unit["id"]]


def walk(days: list[int]) -> list[int]:
    """Scan twice on each day (offsets from today); answer how many new notices each day
    brought (the second scan of a day must bring none)."""
    brought = []
    for offset in days:
        brought.append(scan(on=TODAY + timedelta(days=offset)))
        assert scan(on=TODAY + timedelta(days=offset)) == 0, f"day {offset}: the second scan posted again"
    return brought


@pytest.fixture(scope="module")
def walked(runtime):
    s = published_story(runtime)
    org = s.org
    problem = ok(s.secretary.post("/api/v1/problems", {
        "tenant_id": org.branch_a["id"], "plan_id": s.campaign.id, "description": "理论学习不够深入",
        "category": "思想观念"}), 201)
    s.problem = f"/api/v1/problems/{problem['id']}"
    ok(s.secretary.post(f"{s.problem}/rectification", {
        "measures": ["每周集中学习"], "lead_leader": "张书记", "responsible_units": ["第一党支部"],
        "deadline": day(3)}))
    runtime.runner.catch_up()
    walk(list(range(0, 8)))  # the district derives on day 8; the branch completes its rectification
    ok(s.district.post(f"/api/v1/plans/{s.campaign.id}/derive",
                       {"tenant_id": org.district_a["id"], "title": "广陵区实施方案"}), 201)
    evidence = ok(upload(s.secretary, org.branch_a["id"], PDF), 201)
    ok(s.secretary.post(f"{s.problem}/complete", {"summary": "完成", "evidence": [evidence]}))
    runtime.runner.catch_up()
    walk([8, 9, 10, 13, 14, 21, 43, 44, 45, 50])
    return s


def levels(messages: list[InboxMessage]) -> list[str]:
    return [m.level for m in messages]


def test_the_derive_deadline_escalates_blue_yellow_red_on_its_cadence_and_stops_once_derived(walked):
    # due day 5: blue from 7 days ahead every 3 days, yellow from 2 days ahead daily, red daily
    own = notices(walked.district, "derive_deadline", walked.org.district_a)
    assert levels(own) == ["blue", "blue", "yellow", "yellow", "yellow", "red", "red"]  # days 0, 1, 3, 4, 5, 6, 7
    first, last = own[0], own[-1]
    assert first.subject == "【督办】“全市教育系统解放思想大讨论活动实施方案”实施方案制定还剩 5 天"
    assert last.subject.endswith("已逾期 2 天")
    # the district that never derives is still chased after day 8; the one that derived is not
    assert len(notices(walked.district_b, "derive_deadline", walked.org.district_b)) > len(own)
    # the red of a school below is copied to its district's admin
    assert set(levels(notices(walked.district, "derive_deadline", walked.org.school_a))) == {"red"}


def test_red_is_copied_to_the_admins_of_the_level_above(walked):
    copies = notices(walked.city, "derive_deadline")
    assert copies and set(levels(copies)) == {"red"}
    assert {m.params["unit_id"] for m in copies} >= {walked.org.district_a["id"], walked.org.district_b["id"]}
    assert levels(notices(walked.district, "derive_deadline", walked.org.district_a)).count("red") == len(
        [m for m in copies if m.params["unit_id"] == walked.org.district_a["id"]])


def test_a_rectification_due_is_chased_until_it_is_completed(walked):
    # due day 3: blue on days 0 (3 left); yellow on days 1, 2, 3; red on days 4..7; then completed
    chased = notices(walked.secretary, "rectification_due")
    assert levels(chased) == ["blue", "yellow", "yellow", "yellow", "red", "red", "red", "red"]
    assert "理论学习不够深入" in chased[0].body
    school_copies = notices(walked.school, "rectification_due")  # the branch's parent unit
    assert levels(school_copies) == ["red", "red", "red", "red"]


def test_a_phase_beginning_and_ending_soon_is_told_once_to_each_unit_worker(walked):
    # 学习讨论 ends day 20 (told on day 13, 7 days ahead, not again on day 14); 整改落实 begins
    # day 21 (told on day 14) and ends day 50 (told on day 43)
    ends = notices(walked.secretary, "phase_ends")
    begins = notices(walked.school, "phase_begins")
    assert [(m.params["phase"], m.params["days"]) for m in ends] == [("学习讨论", 7), ("整改落实", 7)]
    assert [m.params["phase"] for m in begins] == ["整改落实"]
    assert ends[0].subject == "阶段“学习讨论”将于 7 天后结束"


def test_a_requirement_behind_with_the_campaign_ending_soon_is_told_with_its_figures(walked):
    behind = notices(walked.secretary, "requirement_behind")
    subjects = {m.subject for m in behind}
    assert "专题学习 已完成 0 / 2，距阶段结束还有 7 天" in subjects  # day 43, campaign ends day 50
    assert all(m.params["done"] == 0 for m in behind)


def test_a_silent_branch_is_told_with_its_parent_on_a_weekly_cadence(walked):
    # the campaign began 40 days ago and the branch has logged nothing: silent since then
    branch = notices(walked.secretary, "branch_silent")
    school = [m for m in notices(walked.school, "branch_silent") if m.params["unit"] == "第一党支部"]
    assert branch and len(branch) == len(school)
    assert branch[0].subject == "第一党支部 已 40 天没有登记活动"
    told_on = [m.params["days"] - 40 for m in branch]  # the walk's days it was told on
    # silent 30 days on day -10: its weeks begin on days -3, 4, 11, 18 …; told once in each
    # week the walk visits (days 8, 9, 10 and 14, 44, 45 fall in weeks already told)
    assert told_on == [0, 4, 13, 21, 43, 50]


def test_the_levels_follow_the_settings_of_the_campaign():
    s = {**DEFAULTS, "remind_lead_days": 10, "remind_yellow_days": 3}
    assert level(11, s) is None and level(10, s) == ("blue", 0) and level(3, s) == ("yellow", 0)
    assert level(-1, s) == ("red", 0) and level(-3, {**s, "remind_red_every": 2}) == ("red", 1)


def test_a_campaign_sets_its_reminder_rules_and_an_out_of_range_value_changes_nothing(walked):
    from taolun.notifications.reminders import Scan

    url = f"/api/v1/campaigns/{walked.campaign.id}/progress-settings"
    assert walked.city.request("PUT", url, {"remind_lead_days": 0}).status == 422
    assert Scan(TODAY).settings(walked.campaign.id)["remind_lead_days"] == DEFAULTS["remind_lead_days"]
    settings = ok(walked.city.request("PUT", url, {"remind_lead_days": 14, "remind_red_every": 2}))["settings"]
    assert settings["remind_lead_days"] == 14
    assert Scan(TODAY).settings(walked.campaign.id) == {**DEFAULTS, "remind_lead_days": 14, "remind_red_every": 2}
