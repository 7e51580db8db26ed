"""Guards of activities, suggestions and problems (through the application, in memory)."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from taolun.events.campaigns.application import Campaigns
from taolun.events.kernel import DomainError, NotFound

CITY, SCHOOL, BRANCH = uuid4(), uuid4(), uuid4()
ACTOR = uuid4()
EVIDENCE = {"sha256": "0" * 64, "filename": "照片.jpg", "size": 10, "content_type": "image/jpeg"}


@pytest.fixture
def app(memory_app: Campaigns, tree, uploads) -> Campaigns:
    """A city, a school below it and a branch of the school; the actor acts as an operator
    (the rules of who may are tested in test_tree_rules.py)."""
    tree.add("bureau", unit_id=CITY)
    tree.add("school", CITY, unit_id=SCHOOL)
    tree.add("branch", SCHOOL, unit_id=BRANCH)
    tree.operators.add(ACTOR)
    uploads.upload(ACTOR, EVIDENCE["sha256"])
    return memory_app


@pytest.fixture
def plan_id(app: Campaigns) -> object:
    pid, _ = app.author_campaign(ACTOR, CITY, "解放思想大讨论")
    app.add_phase(pid, ACTOR, name="学习讨论阶段", start="2019-03-01", end="2019-05-31")
    app.add_topic(pid, ACTOR, group="", title="题目", mandatory=True)
    app.publish(pid, ACTOR, derive_deadline="2019-02-20")
    return pid


def log(app: Campaigns, plan_id, **fields):
    values = {"kind": "座谈会", "title": "教职工座谈会", "start": "2019-04-01T14:30:00",
              "end": "2019-04-01T16:30:00", **fields}
    return app.log_activity(ACTOR, BRANCH, plan_id, **values)


def fails(code: str, func, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as e:
        func(*args, **kwargs)
    assert e.value.code == code, e.value.details


def nothing_recorded(app: Campaigns, before: int) -> bool:
    return app.recorder.max_notification_id() == before


def test_an_activity_of_an_unknown_kind_is_rejected_and_nothing_is_recorded(app, plan_id) -> None:
    before = app.recorder.max_notification_id()
    fails("unknown_activity_kind", log, app, plan_id, kind="联欢会")
    assert nothing_recorded(app, before)


def test_an_activity_that_ends_before_it_starts_is_rejected(app, plan_id) -> None:
    fails("activity_ends_before_start", log, app, plan_id, end="2019-04-01T13:00:00")


def test_an_activity_dated_outside_the_campaign_is_rejected(app, plan_id) -> None:
    fails("activity_outside_campaign", log, app, plan_id, start="2019-02-28", end="2019-03-01")
    fails("activity_outside_campaign", log, app, plan_id, start="2019-05-31", end="2019-06-01")


def test_an_activity_under_a_derived_plan_is_checked_against_the_campaign_window(app, plan_id) -> None:
    school_plan, _ = app.derive_plan(plan_id, ACTOR, SCHOOL)
    log(app, school_plan, start="2019-05-31", end="2019-05-31")
    fails("activity_outside_campaign", log, app, school_plan, start="2019-06-01", end="2019-06-01")


def test_an_activity_needs_kind_title_and_times_and_links_to_existing_items(app, plan_id) -> None:
    fails("required_field_missing", app.log_activity, ACTOR, BRANCH, plan_id, kind="座谈会", title="t",
          start="2019-04-01")
    fails("required_field_missing", log, app, plan_id, title=" ")
    fails("invalid_datetime", log, app, plan_id, start="昨天")
    fails("invalid_number", log, app, plan_id, participants=-3)
    with pytest.raises(NotFound):
        log(app, plan_id, phase_id=uuid4())
    with pytest.raises(NotFound):
        log(app, plan_id, topic_ids=[uuid4()])


def test_the_participant_count_defaults_to_the_roster(app, plan_id) -> None:
    activity_id, _ = log(app, plan_id, roster=["张三", {"name": "李四", "role": "主持"}])
    assert app.get_activity(activity_id).participants == 2


def test_a_correction_needs_a_reason_and_a_change_and_keeps_the_rules(app, plan_id) -> None:
    activity_id, _ = log(app, plan_id)
    fails("required_field_missing", app.correct_activity, activity_id, ACTOR, "", title="新")
    fails("nothing_changed", app.correct_activity, activity_id, ACTOR, "理由", title="教职工座谈会")
    fails("activity_ends_before_start", app.correct_activity, activity_id, ACTOR, "理由", end="2019-04-01T10:00:00")
    fails("activity_outside_campaign", app.correct_activity, activity_id, ACTOR, "理由",
          start="2019-06-02", end="2019-06-02")
    app.correct_activity(activity_id, ACTOR, "补充佐证", evidence=[EVIDENCE])
    assert app.get_activity(activity_id).evidence[0]["filename"] == "照片.jpg"


def test_a_retracted_activity_cannot_be_corrected_returned_or_retracted_again(app, plan_id) -> None:
    activity_id, _ = log(app, plan_id)
    app.retract_activity(activity_id, ACTOR, "重复录入")
    fails("activity_retracted", app.correct_activity, activity_id, ACTOR, "理由", title="新")
    fails("activity_retracted", app.retract_activity, activity_id, ACTOR, "理由")
    fails("activity_retracted", app.return_activity, activity_id, ACTOR, "理由")


def test_a_returned_activity_needs_a_reason_and_is_not_returned_twice(app, plan_id) -> None:
    activity_id, _ = log(app, plan_id)
    fails("required_field_missing", app.return_activity, activity_id, ACTOR, "")
    app.return_activity(activity_id, ACTOR, "记录过于简单")
    fails("activity_already_returned", app.return_activity, activity_id, ACTOR, "再次驳回")


def test_a_suggestion_keeps_its_author_even_when_anonymous_and_is_adopted_once(app, plan_id) -> None:
    author = uuid4()
    sid, _ = app.submit_suggestion(author, BRANCH, plan_id, title="建议", content="内容", anonymous=True)
    assert (app.get_suggestion(sid).author, app.get_suggestion(sid).anonymous) == (author, True)
    app.adopt_suggestion(sid, ACTOR)
    fails("suggestion_already_adopted", app.adopt_suggestion, sid, ACTOR)
    fails("required_field_missing", app.answer_suggestion, sid, ACTOR, "")
    fails("required_field_missing", app.submit_suggestion, author, BRANCH, plan_id, title="t", content="")


def test_a_problem_has_a_known_category(app, plan_id) -> None:
    fails("unknown_problem_category", app.record_problem, ACTOR, SCHOOL, plan_id, description="d", category="杂项")


def test_a_rectification_is_planned_before_progress_and_completed_only_with_evidence(app, plan_id) -> None:
    pid, _ = app.record_problem(ACTOR, SCHOOL, plan_id, description="d", category="工作作风")
    fails("rectification_not_planned", app.report_rectification_progress, pid, ACTOR, note="n")
    fails("rectification_not_planned", app.complete_rectification, pid, ACTOR, summary="s", evidence=[EVIDENCE])
    fails("required_field_missing", app.plan_rectification, pid, ACTOR, measures=[], lead_leader="李",
          responsible_units=["办公室"], deadline="2019-06-30")
    fails("invalid_date", app.plan_rectification, pid, ACTOR, measures=["m"], lead_leader="李",
          responsible_units=["办公室"], deadline="六月底")
    app.plan_rectification(pid, ACTOR, measures=["m"], lead_leader="李", responsible_units=["办公室"],
                           deadline="2019-06-30")
    fails("invalid_number", app.report_rectification_progress, pid, ACTOR, note="n", percent=120)
    fails("evidence_required", app.complete_rectification, pid, ACTOR, summary="s", evidence=None)
    fails("problem_not_completed", app.verify_rectification, pid, ACTOR)


def test_the_parent_can_reopen_a_completed_rectification(app, plan_id) -> None:
    pid, _ = app.record_problem(ACTOR, SCHOOL, plan_id, description="d", category="能力素质")
    app.plan_rectification(pid, ACTOR, measures=["m"], lead_leader="李", responsible_units=["办公室"],
                           deadline="2019-06-30")
    app.complete_rectification(pid, ACTOR, summary="s", evidence=[EVIDENCE])
    fails("problem_not_open", app.plan_rectification, pid, ACTOR, measures=["m2"], lead_leader="李",
          responsible_units=["办公室"], deadline="2019-07-30")
    app.reopen_problem(pid, ACTOR, "佐证不足")
    problem = app.get_problem(pid)
    assert (problem.status, problem.completion) == ("rectifying", None)
    fails("problem_not_completed", app.reopen_problem, pid, ACTOR, "再次")


def test_a_roster_entry_must_be_a_name_or_a_record(app, plan_id) -> None:
    fails("invalid_roster", log, app, plan_id, roster=[42])


def test_unmasking_an_anonymous_author_is_recorded_with_who_and_when(app, plan_id) -> None:
    author, auditor = uuid4(), uuid4()
    sid, _ = app.submit_suggestion(author, BRANCH, plan_id, title="建议", content="内容", anonymous=True)
    shown, _ = app.unmask_suggestion_author(sid, auditor)
    assert shown == author
    unmasked = [e for e in app.events.get(sid) if type(e).__name__ == "AuthorUnmasked"]
    assert [(e.actor, e.tenant_id) for e in unmasked] == [(auditor, BRANCH)]
    assert unmasked[0].timestamp is not None


def test_units_below_read_only_released_states_of_a_plan(app, plan_id) -> None:
    released = app.get_released_plan(plan_id)
    assert released.status == "published" and released.released_version == 1
    app.reopen(plan_id, ACTOR, "补充题目")
    app.add_topic(plan_id, ACTOR, group="", title="修订中的题目")
    again = app.get_released_plan(plan_id)
    assert again.status == "published" and "修订中的题目" not in {t["title"] for t in again.topics.values()}
    with pytest.raises(NotFound):
        app.get_released_plan(plan_id, 1)  # the first draft, before any release
    with pytest.raises(NotFound):
        app.get_released_plan(plan_id, app.get_plan(plan_id).version)  # the amendment in progress
    draft, _ = app.author_campaign(ACTOR, CITY, "草稿")
    with pytest.raises(NotFound):
        app.get_released_plan(draft)


def test_hours_are_accepted_only_as_precise_as_they_are_stored(app, plan_id) -> None:
    before = app.recorder.max_notification_id()
    fails("too_many_decimal_places", log, app, plan_id, hours="1.333")
    fails("too_many_decimal_places", log, app, plan_id, hours=1.005)
    fails("number_out_of_range", log, app, plan_id, hours="100000000")
    assert nothing_recorded(app, before)
    activity, _ = log(app, plan_id, hours="1.33")
    assert app.get_activity(activity).hours == Decimal("1.33")
    fails("too_many_decimal_places", app.correct_activity, activity, ACTOR, "更正", hours="2.125")


def test_an_activity_may_be_planned_ahead_but_not_far_into_the_future(app) -> None:
    from datetime import timedelta

    from taolun.events.campaigns import rules

    today = rules.today()
    pid, _ = app.author_campaign(ACTOR, CITY, "长期活动")
    app.add_phase(pid, ACTOR, name="全程", start=today - timedelta(days=10), end=today + timedelta(days=400))
    app.add_topic(pid, ACTOR, group="", title="题目", mandatory=True)
    app.publish(pid, ACTOR, derive_deadline=today)
    ahead = today + timedelta(days=rules.PLANNED_AHEAD_DAYS)
    log(app, pid, start=ahead.isoformat(), end=ahead.isoformat())
    too_far = (ahead + timedelta(days=1)).isoformat()
    fails("activity_too_far_ahead", log, app, pid, start=too_far, end=too_far)
