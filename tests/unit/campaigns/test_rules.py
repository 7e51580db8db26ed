"""The pure rules: vocabularies, dates, requirements, evidence, compliance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from taolun.events.campaigns import rules
from taolun.events.kernel import DomainError, NotFound


def code_of(func, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as e:
        func(*args, **kwargs)
    return e.value.code


def test_dates_are_stored_as_iso_strings_whatever_form_they_arrive_in() -> None:
    assert rules.iso_date(date(2019, 3, 1), "d") == "2019-03-01"
    assert rules.iso_date(datetime(2019, 3, 1, 9, 30), "d") == "2019-03-01"
    assert rules.iso_date("2019-03-01", "d") == "2019-03-01"


def test_a_date_that_is_not_a_date_is_invalid() -> None:
    assert code_of(rules.iso_date, "2019-02-30", "start") == "invalid_date"
    assert code_of(rules.iso_date, 20190301, "start") == "invalid_date"


def test_a_phase_that_ends_before_it_starts_is_rejected() -> None:
    assert code_of(rules.check_window, "2019-05-01", "2019-04-30") == "phase_ends_before_start"
    assert rules.check_window("2019-05-01", "2019-05-01") == ("2019-05-01", "2019-05-01")


def test_a_window_must_lie_inside_the_outer_window() -> None:
    rules.check_inside("2019-03-10", "2019-05-20", "2019-03-01", "2019-05-31", code="outside_parent_window")
    assert code_of(rules.check_inside, "2019-02-28", "2019-05-20", "2019-03-01", "2019-05-31",
                   code="outside_parent_window") == "outside_parent_window"
    assert code_of(rules.check_inside, "2019-03-10", "2019-06-01", "2019-03-01", "2019-05-31",
                   code="outside_parent_window") == "outside_parent_window"


def test_only_the_fixed_activity_kinds_are_known() -> None:
    assert rules.activity_kind("论坛/讲座") == "论坛/讲座"
    assert code_of(rules.activity_kind, "联欢会") == "unknown_activity_kind"
    assert len(rules.ACTIVITY_KINDS) == 14


def test_a_requirement_names_a_known_kind_metric_subject_and_scope() -> None:
    base = dict(requirement_id="r", kind="专题学习", metric="days", minimum=3)
    assert rules.requirement(**base)["minimum"] == 3
    assert code_of(rules.requirement, **{**base, "kind": "聚餐"}) == "unknown_activity_kind"
    assert code_of(rules.requirement, **{**base, "metric": "pages"}) == "unknown_requirement_metric"
    assert code_of(rules.requirement, **{**base, "per": "teacher"}) == "unknown_requirement_subject"
    assert code_of(rules.requirement, **{**base, "scope": "year"}) == "unknown_requirement_scope"
    assert code_of(rules.requirement, **{**base, "minimum": 0}) == "invalid_number"
    assert code_of(rules.requirement, **{**base, "minimum": "2.5"}) == "invalid_number"
    assert rules.requirement(**{**base, "metric": "hours", "minimum": "2.5"})["minimum"] == Decimal("2.5")


def test_a_phase_scoped_requirement_needs_an_existing_phase() -> None:
    base = dict(requirement_id="r", kind="党课", metric="count", minimum=1, scope="phase")
    assert code_of(rules.requirement, **base) == "required_field_missing"
    with pytest.raises(NotFound):
        rules.requirement(**base, phase_id="p", phases={})
    assert rules.requirement(**base, phase_id="p", phases={"p": {}})["phase_id"] == "p"
    assert code_of(rules.requirement, **{**base, "scope": "campaign"}, phase_id="p") == "phase_not_allowed"


def test_evidence_needs_a_sha256_a_size_a_name_and_a_type() -> None:
    good = {"sha256": "AB" * 32, "filename": "a.pdf", "size": 1, "content_type": "application/pdf"}
    assert rules.evidence(good)[0]["sha256"] == "ab" * 32
    assert code_of(rules.evidence, [{**good, "sha256": "xyz"}]) == "invalid_evidence"
    assert code_of(rules.evidence, [{**good, "size": -1}]) == "invalid_evidence"
    assert code_of(rules.evidence, [{**good, "filename": ""}]) == "required_field_missing"


def test_numbers_never_become_floats() -> None:
    assert rules.number(2.5, "hours") == Decimal("2.5")
    assert rules.number("3.0", "hours") == 3
    assert code_of(rules.number, -1, "hours") == "invalid_number"
    assert code_of(rules.number, True, "hours") == "invalid_number"


def test_a_leading_group_must_have_a_leader() -> None:
    group = rules.leading_group({"leaders": ["张三"], "office": {"location": "设在党建科"}})
    assert group["leaders"] == [{"name": "张三", "position": "", "user_id": None}]
    assert code_of(rules.leading_group, {"members": ["李四"]}) == "leading_group_without_leader"
    assert code_of(rules.leading_group, {"leaders": ["张三"], "chef": []}) == "unknown_field"


def test_the_header_accepts_only_known_fields() -> None:
    assert rules.header_changes({"basis_documents": [{"name": "方案", "doc_no": "益办发电〔2018〕101号"}]})
    assert code_of(rules.header_changes, {"colour": "red"}) == "unknown_field"
    assert code_of(rules.header_changes, {"title": " "}) == "required_field_missing"


def _activity(kind="专题学习", start="2019-03-20", end="2019-03-20", **kw):
    return {"kind": kind, "start": start, "end": end, "hours": kw.get("hours"), "leaders": kw.get("leaders", []),
            "phase_id": kw.get("phase_id"), "status": kw.get("status", "logged")}


def test_days_count_distinct_calendar_days_and_ignore_retracted_and_returned_entries() -> None:
    req = rules.requirement(requirement_id="r", kind="专题学习", metric="days", minimum=3)
    acts = [
        _activity(start="2019-03-20T08:00", end="2019-03-21T17:00"),
        _activity(start="2019-03-21T08:00", end="2019-03-21T12:00"),  # same day again
        _activity(start="2019-03-25", end="2019-03-25", status="retracted"),
        _activity(start="2019-03-26", end="2019-03-26", status="returned"),
        _activity(kind="党课", start="2019-03-27", end="2019-03-27"),
    ]
    assert rules.requirement_progress(req, acts) == {"achieved": 2, "minimum": 3, "met": False}
    acts.append(_activity(start="2019-04-02", end="2019-04-02"))
    assert rules.requirement_progress(req, acts)["met"] is True


def test_hours_add_up_and_per_leader_requirements_need_every_leader() -> None:
    hours = rules.requirement(requirement_id="r", kind="专题学习", metric="hours", minimum="4.5")
    acts = [_activity(hours=Decimal("2.5")), _activity(hours=2)]
    assert rules.requirement_progress(hours, acts)["achieved"] == Decimal("4.5")
    per_leader = rules.requirement(requirement_id="r", kind="党课", metric="count", minimum=1, per="leader")
    lessons = [_activity(kind="党课", leaders=["张三"]), _activity(kind="党课", leaders=["李四", "张三"])]
    progress = rules.requirement_progress(per_leader, lessons)
    assert progress["by_leader"] == {"张三": 2, "李四": 1} and progress["met"] is True


def test_a_phase_requirement_counts_the_activities_dated_in_the_phase_whatever_their_link() -> None:
    req = rules.requirement(requirement_id="r", kind="主题党日", metric="count", minimum=2, scope="phase",
                            phase_id="p", phases={"p": {}})
    phases = {"p": {"start": "2019-03-01", "end": "2019-05-31"}}
    acts = [_activity(kind="主题党日", phase_id="p", start="2019-06-05", end="2019-06-05"),
            _activity(kind="主题党日", start="2019-04-01", end="2019-04-01"),
            _activity(kind="主题党日", start="2019-05-31", end="2019-06-01"),
            _activity(kind="主题党日", start="2019-07-01", end="2019-07-01")]
    assert rules.requirement_progress(req, acts, phases)["achieved"] == 2  # started inside
    # Without the phase's dates the link is all there is.
    assert rules.requirement_progress(req, acts)["achieved"] == 1


def test_a_requirement_is_met_from_the_day_its_activities_reach_the_minimum() -> None:
    req = rules.requirement(requirement_id="r", kind="专题学习", metric="count", minimum=2)
    acts = [_activity(start="2019-04-03", end="2019-04-03"), _activity(start="2019-04-01", end="2019-04-01"),
            _activity(start="2019-04-09", end="2019-04-09")]
    assert rules.requirement_met_changes(req, acts) == {"2019-04-03": 1}
    # Per leader a newcomer starts at zero: met, unmet again, met once more.
    per_leader = rules.requirement(requirement_id="r", kind="党课", metric="count", minimum=2, per="leader")
    lessons = [_activity(kind="党课", leaders=["张三"], start=f"2019-04-0{d}", end=f"2019-04-0{d}") for d in (1, 2)]
    lessons += [_activity(kind="党课", leaders=["李四"], start=f"2019-04-0{d}", end=f"2019-04-0{d}") for d in (5, 8)]
    assert rules.requirement_met_changes(per_leader, lessons) == {"2019-04-02": 1, "2019-04-05": -1, "2019-04-08": 1}
