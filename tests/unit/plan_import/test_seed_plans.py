"""The three real plans, with expectations checked by reading each seed by hand. They live
outside the repository: these tests run where the seeds are found (tests/seeds.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from taolun.events.plan_import import parse_plan, read_document
from tests.unit.plan_import.checks import assert_nothing_is_dropped, assert_spans_point_at_sources, phase_table

pytestmark = pytest.mark.seeds

D = date


# --- Yiyang: a school's plan with cover notice, 文号, three topic groups and a flattened table


def test_the_school_plan_header_names_unit_number_date_title_and_addressees(plans):
    h = plans["yiyang"].header
    assert h.issuing_unit.value == "中共益阳高级技工学校委员会"
    assert h.document_number.value == {"text": "益高技党〔2019〕8号", "agency": "益高技党", "year": 2019, "serial": 8}
    assert h.issue_date.value == D(2019, 3, 5)
    assert h.title.value == "关于开展解放思想大讨论活动的实施方案"
    assert h.full_title.value == "益阳高级技工学校关于开展解放思想大讨论活动的实施方案"
    assert h.addressees.value == ["各支部", "科室"]


def test_the_school_plan_has_four_phases_with_exact_dates(plans):
    assert phase_table(plans["yiyang"]) == [
        ("宣传发动阶段", D(2019, 1, 1), D(2019, 2, 28)),
        ("学习讨论阶段", D(2019, 3, 1), D(2019, 5, 31)),
        ("实践转化阶段", D(2019, 6, 1), D(2019, 8, 20)),
        ("持续深化阶段", D(2019, 8, 11), D(2019, 9, 30)),
    ]
    assert [p.date_text for p in plans["yiyang"].phases] == ["2019年1月至2月", "3月至5月底", "6月至8月中旬", "8月中旬至9月底"]


def test_the_school_plan_phase_two_has_five_tasks_in_order(plans):
    tasks = plans["yiyang"].phases[1].tasks
    assert [t.title for t in tasks] == ["专题学习", "征集意见", "理论研讨", "献计献策", "取经学习"]
    assert tasks[0].text.startswith("专题学习。学习贯彻习近平总书记系列重要讲话精神")
    assert tasks[0].source.startswith("一是专题学习。")


def test_the_school_plan_has_three_topic_groups_with_eighteen_topics(plans):
    groups = plans["yiyang"].topic_groups
    assert [g.title for g in groups] == [
        "围绕“五先五市”推动思想大解放", "围绕学校发展推动思想大解放", "围绕激励教职工干事担当推动思想大解放"]
    assert [len(g.topics) for g in groups] == [5, 10, 3]
    assert groups[1].topics[8].text == "如何打造学校文化，充分体现学校特色"


def test_the_school_plan_theme_basis_and_principles(plans):
    plan = plans["yiyang"]
    assert plan.theme.value == "践行新思想，改革新突破，高水平开放，高质量发展"
    [basis] = plan.basis_documents
    assert (basis.title, basis.document_number, basis.issuer) == (
        "关于开展解放思想大讨论活动的方案", "益办发电〔2018〕101号", "中共益阳市委")
    assert [p.title for p in plan.principles] == ["坚持正确方向", "坚持领导带头", "坚持结合实际", "坚持统筹推进"]
    assert plan.guiding_ideology.value.startswith("以习近平新时代中国特色社会主义思想为指导")


def test_the_school_schedule_table_is_read_from_flattened_cells(plans):
    rows = plans["yiyang"].schedule
    assert len(rows) == 12
    first, fourth, last = rows[0], rows[3], rows[-1]
    assert (first.phase, first.time_text, first.start, first.end) == ("宣传发动阶段", "3月以前", None, D(2019, 2, 28))
    assert (first.content, first.responsible_units) == ("学校动员部署", ["办公室"])
    assert rows[2].responsible_units == ["办公室", "党建科"]  # a cell written over two lines
    assert (fourth.phase, fourth.start, fourth.end) == ("学习讨论阶段", D(2019, 3, 1), D(2019, 5, 31))
    assert rows[8].content == "学校层面的大讨论形成的共识转化为制度成果"
    assert (last.phase, last.start, last.end) == ("持续深化阶段", D(2019, 8, 11), D(2019, 9, 30))
    assert last.responsible_units == ["党建科", "各支部"]


def test_the_school_plan_keeps_the_cover_notice_as_unplaced_text(plans):
    unplaced = [p.text for p in plans["yiyang"].unplaced]
    assert any(t.startswith("《益阳高级技工学校关于开展解放思想大讨论活动的实施方案》已经学校党委研究同意") for t in unplaced)
    assert plans["yiyang"].leading_group is None  # only “成立专门工作班子”, no names


# --- Tianjin: a university plan, no date line (year from the 文号), prose leading group


def test_the_university_plan_header_takes_the_unit_from_the_document_mark(plans):
    h = plans["tianjin"].header
    assert h.issuing_unit.value == "中共天津职业大学委员会"
    assert h.document_number.value["text"] == "津职大党〔2019〕68号"
    assert h.issue_date.value is None
    assert h.title.value == "天津职业大学关于开展“双高计划”建设大学习、大讨论、大推动工作的实施方案"
    assert h.addressees.value == ["各基层党委", "党总支"]


def test_the_university_plan_resolves_phase_years_from_the_document_number(plans):
    plan = plans["tianjin"]
    assert phase_table(plan) == [
        ("宣传发动阶段", D(2019, 8, 21), D(2019, 9, 10)),
        ("学习讨论阶段", D(2019, 9, 11), D(2019, 10, 20)),
        ("实践转化阶段", D(2019, 10, 21), D(2019, 12, 31)),
    ]
    assert {p.year_from for p in plan.phases} == {"document_number"}


def test_the_university_plan_gives_phase_units_to_every_task_of_the_phase(plans):
    first, second, third = plans["tianjin"].phases
    assert first.responsible_units == ["教工部", "教务处", "组织部", "宣传部"]
    assert [t.title for t in first.tasks] == ["动员部署", "举办讲座", "舆论先导"]
    assert all(t.responsible_units == first.responsible_units and t.units_from == "phase" for t in first.tasks)
    assert second.responsible_units == ["组织部", "宣传部", "教工部", "教务处", "各单位"]
    assert third.responsible_units == ["各单位"] and third.tasks == []
    assert "（" not in first.tasks[-1].text  # the unit list is not part of the task's text


def test_the_university_plan_has_ten_discussion_topics(plans):
    topics = plans["tianjin"].topics
    assert [t.number for t in topics] == list(range(1, 11))
    assert topics[0].text == "坚持高质量党建引领，推进高水平改革发展"
    assert topics[9].text == "提升国际化水平，创建职教国际品牌"


def test_the_university_plan_leading_group_is_read_from_prose(plans):
    group = plans["tianjin"].leading_group
    assert group is not None
    assert group.leaders == ["党委书记", "校长"]
    assert group.deputy_leaders == ["其他校领导"]
    assert group.members == ["组织部", "宣传部", "教工部", "教务处"]
    assert group.members_note == "等部门主要负责人"
    assert group.name == "“双高计划”建设大学习、大讨论、大推动工作组"


def test_the_university_plan_basis_is_the_schools_own_construction_plan(plans):
    [basis] = plans["tianjin"].basis_documents
    assert (basis.title, basis.issuer) == ("中国特色高水平高职学校和专业建设计划建设方案", "我校")


# --- Yangzhou: a city bureau's plan without header, a mis-numbered “2、 基本原则”, “四个一” rules


def test_the_city_plan_has_a_title_but_no_header_fields(plans):
    h = plans["yangzhou"].header
    assert h.title.value == "全市教育系统开展解放思想大讨论活动实施方案"
    assert h.issuing_unit.value is None and h.document_number.value is None and h.issue_date.value is None
    assert plans["yangzhou"].confidence["header.issuing_unit"] == 0.0


def test_the_city_plan_phases_take_the_year_from_the_section_opening(plans):
    plan = plans["yangzhou"]
    assert phase_table(plan) == [
        ("宣传发动阶段", D(2018, 5, 1), D(2018, 6, 20)),
        ("学习调研阶段", D(2018, 6, 11), D(2018, 7, 31)),
        ("实践转化阶段", D(2018, 8, 1), D(2018, 12, 10)),
        ("持续深化阶段", D(2018, 12, 11), D(2018, 12, 31)),
    ]
    assert plan.phases[1].date_text == "6月中旬—7月底"  # written after the heading's full stop
    assert [t.ordinal for t in plan.phases[1].tasks] == [1, 2, 3, 4, 5]
    assert plan.phases[1].tasks[0].title == "举行党委中心组学习会"


def test_the_city_plan_four_ones_become_count_rules(plans):
    rules = [(r.activity_kind, r.metric, r.minimum, r.phase) for r in plans["yangzhou"].requirements]
    assert rules == [
        ("专题学习", "count", 1, "学习调研阶段"),
        ("其他", "count", 1, "学习调研阶段"),
        ("组织生活会", "count", 1, "学习调研阶段"),
        ("党课", "count", 1, "学习调研阶段"),
    ]
    assert plans["tianjin"].requirements == []  # “来一次理念的大提升” is no rule


def test_the_city_plan_principles_and_three_basis_documents(plans):
    plan = plans["yangzhou"]
    assert [p.title for p in plan.principles][0] == "坚持学习调研先行，解决思想认识问题"
    assert len(plan.principles) == 4
    assert [(b.issuer, b.title[:9]) for b in plan.basis_documents] == [
        ("中共教育部党组", "关于在教育系统大兴"),
        ("中共市委办公室", "关于开展解放思想大"),
        ("市委宣传部、市委组织部", "关于在全市县处级领"),
    ]


def test_every_seed_serialises_to_json_and_spans_match_their_sources(plans):
    for plan in plans.values():
        data = plan.to_dict()
        json.dumps(data, ensure_ascii=False)
        assert data["phases"][0]["start"][:4] in ("2018", "2019")
        assert 0.0 <= min(data["confidence"].values()) <= max(data["confidence"].values()) <= 1.0
        assert_spans_point_at_sources(plan)


def test_every_seed_reads_alike_from_gb18030_bytes_with_windows_line_endings(seed_text, plans):
    for key, text in seed_text.items():
        plan = parse_plan(read_document(text.replace("\n", "\r\n").encode("gb18030"), "plan.txt"))
        assert phase_table(plan) == phase_table(plans[key])


def test_nothing_is_dropped_every_line_is_structured_free_text_or_unplaced(plans):
    for plan in plans.values():
        assert_nothing_is_dropped(plan)
