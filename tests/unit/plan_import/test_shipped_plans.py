"""The example plans the package ships (taolun.platform.sample_plans), read by the importer
from their own formats: UTF-8 text, a .docx, GB18030 text. Expectations written from the
documents, field by field."""

from __future__ import annotations

import json
from datetime import date

from taolun.platform import sample_plans
from tests.unit.plan_import.checks import assert_nothing_is_dropped, assert_spans_point_at_sources, phase_table

D = date

# --- the city bureau's campaign plan (UTF-8 text with a cover notice)


def test_the_city_plan_header_comes_from_its_cover_notice(samples):
    h = samples["city"].header
    assert h.issuing_unit.value == "中共扬州市教育局委员会"
    assert h.document_number.value == {"text": "扬教党〔2026〕9号", "agency": "扬教党", "year": 2026, "serial": 9}
    assert h.issue_date.value == D(2026, 2, 26)
    assert h.title.value == "全市教育系统开展“解放思想再出发、奋发作为建新功”大讨论活动实施方案"


def test_the_city_plan_theme_basis_goals_and_principles(samples):
    plan = samples["city"]
    assert plan.theme.value == "解放思想再出发、奋发作为建新功"
    assert [(b.issuer, b.title, b.document_number) for b in plan.basis_documents] == [
        ("中共扬州市委办公室", "关于在全市开展新一轮解放思想大讨论活动的通知", "扬办发〔2026〕5号"),
        ("中共江苏省教育厅党组", "关于在全省教育系统深入开展调查研究的实施意见", None),
    ]
    assert plan.guiding_ideology.value.startswith("以习近平新时代中国特色社会主义思想为指导")
    assert plan.goals.value.startswith("通过大讨论活动，查找并解决一批制约教育改革发展的突出问题")
    assert [p.title for p in plan.principles] == ["坚持学习为先", "坚持问题导向", "坚持上下联动", "坚持务求实效"]


def test_the_city_plan_lists_eight_discussion_topics(samples):
    topics = samples["city"].topics
    assert [t.number for t in topics] == list(range(1, 9))
    assert topics[1].text == "如何深化“双减”工作，提升课堂教学质量和课后服务水平，切实减轻学生过重学业负担"


def test_the_city_plan_has_four_phases_in_the_year_its_steps_section_names(samples):
    plan = samples["city"]
    assert phase_table(plan) == [
        ("宣传发动阶段", D(2026, 3, 1), D(2026, 3, 31)),
        ("学习讨论阶段", D(2026, 4, 1), D(2026, 6, 20)),
        ("查摆整改阶段", D(2026, 6, 21), D(2026, 10, 31)),
        ("总结提升阶段", D(2026, 11, 1), D(2026, 12, 31)),
    ]
    assert {p.year_from for p in plan.phases} == {"section"}  # “活动从2026年3月开始”
    assert [p.date_text for p in plan.phases] == ["3月上旬至3月底", "4月至6月中旬", "6月下旬至10月底", "11月至12月底"]


def test_the_city_plan_phase_tasks_take_the_units_named_after_them(samples):
    first, _, third, last = samples["city"].phases
    assert [t.title for t in first.tasks] == ["动员部署", "制定方案", "营造氛围"]
    assert first.responsible_units == ["局办公室", "组织处", "宣传处"]
    assert all(t.responsible_units == first.responsible_units for t in first.tasks)
    assert [t.title for t in third.tasks] == ["查摆问题", "建章立制", "督查推进"]
    assert third.responsible_units == ["督导室", "各处室"]
    assert last.tasks == [] and last.responsible_units == ["组织处", "宣传处"]


def test_the_city_plans_four_ones_and_three_days_of_study_become_rules(samples):
    rules = [(r.activity_kind, r.metric, r.minimum, r.phase) for r in samples["city"].requirements]
    assert rules == [
        ("专题学习", "count", 1, "学习讨论阶段"),
        ("主题党日", "count", 1, "学习讨论阶段"),
        ("组织生活会", "count", 1, "学习讨论阶段"),
        ("党课", "count", 1, "学习讨论阶段"),
        ("专题学习", "days", 3, "学习讨论阶段"),
    ]


def test_the_city_plan_leading_group_is_read_from_its_labelled_lines(samples):
    group = samples["city"].leading_group
    assert group is not None
    assert group.name == "全市教育系统解放思想大讨论活动领导小组"
    assert group.leaders == ["局党委书记", "局长"]
    assert group.deputy_leaders == ["局党委副书记", "局党委委员", "副局长"]
    assert group.members[:5] == ["局办公室", "组织处", "宣传处", "基础教育处", "职业教育处"]
    assert (group.office["location"], group.office["director"]) == ("组织处", "组织处处长")


# --- the district's plan (.docx: explicit dates, a table with merged cells)


def test_the_district_docx_header_and_basis(samples):
    plan = samples["district"]
    h = plan.header
    assert h.issuing_unit.value == "邗江区教育局"
    assert h.document_number.value["text"] == "邗教发〔2026〕15号"
    assert h.title.value == "邗江区教育系统解放思想大讨论活动实施方案"
    assert h.addressees.value == ["各中小学", "幼儿园", "局机关各科室"]
    [basis] = plan.basis_documents
    assert (basis.document_number, basis.issuer) == ("扬教党〔2026〕9号", "市教育局党委")
    assert plan.theme.value == "解放思想再出发、奋发作为建新功"


def test_the_district_docx_phases_carry_explicit_dates_and_units(samples):
    plan = samples["district"]
    assert phase_table(plan) == [
        ("宣传发动阶段", D(2026, 3, 11), D(2026, 3, 31)),
        ("学习讨论阶段", D(2026, 4, 1), D(2026, 6, 15)),
        ("查摆整改阶段", D(2026, 6, 21), D(2026, 10, 31)),
        ("总结提升阶段", D(2026, 11, 1), D(2026, 12, 20)),
    ]
    assert {p.year_from for p in plan.phases} == {"explicit"}
    assert [p.responsible_units for p in plan.phases] == [
        ["局办公室", "组织科"], ["组织科", "各学校"], ["督导室", "各学校"], ["组织科"]]


def test_the_district_docx_topics_are_its_four_围绕_items(samples):
    topics = samples["district"].topics
    assert len(topics) == 4
    assert topics[0].text == "紧紧围绕推进城乡教育优质均衡开展讨论"


def test_the_district_docx_rules_and_leading_group(samples):
    plan = samples["district"]
    assert [(r.activity_kind, r.metric, r.minimum, r.period) for r in plan.requirements] == [
        ("专题学习", "count", 4, None),
        ("主题党日", "count", 1, "每月"),
        ("论坛/讲座", "count", 1, None),
    ]
    group = plan.leading_group
    assert group is not None and group.leaders == ["区教育局党委书记", "局长"]
    assert group.deputy_leaders == ["区教育局党委副书记"]
    assert (group.office["location"], group.office["director"]) == ("组织科", "组织科科长")


def test_the_district_docx_table_rows_share_merged_cells_and_the_plans_year(samples):
    rows = [(r.phase, r.start, r.end, r.content, r.responsible_units) for r in samples["district"].schedule]
    assert rows == [
        ("宣传发动阶段", D(2026, 3, 11), D(2026, 3, 31), "召开全区动员会", ["局办公室"]),
        ("宣传发动阶段", D(2026, 3, 11), D(2026, 3, 31), "各学校制定活动方案", ["各学校"]),  # merged cells
        ("学习讨论阶段", D(2026, 4, 1), D(2026, 6, 20), "专题学习与研讨", ["组织科"]),
        ("查摆整改阶段", D(2026, 6, 21), D(2026, 10, 31), "建立问题清单和整改清单", ["督导室"]),
        ("总结提升阶段", D(2026, 11, 1), D(2026, 12, 20), "评选优秀案例", ["组织科"]),
    ]


# --- the school's plan (GB18030 text, topic groups, prose leading group, flattened table)


def test_the_school_plan_is_gb18030_and_reads_as_chinese(sample_text):
    raw = sample_plans.read(sample_plans.SCHOOL)
    assert raw.decode("gb18030") == sample_text["school"]
    assert sample_text["school"].startswith("中共邗江中学委员会")


def test_the_school_plan_header_names_unit_number_date_and_addressees(samples):
    h = samples["school"].header
    assert h.issuing_unit.value == "中共邗江中学委员会"
    assert h.document_number.value["text"] == "邗中党〔2026〕4号"
    assert h.issue_date.value == D(2026, 3, 12)
    assert h.title.value == "关于开展解放思想大讨论活动的实施方案"
    assert h.full_title.value == "邗江中学关于开展解放思想大讨论活动的实施方案"
    assert h.addressees.value == ["各党支部", "各处室", "各年级组"]
    [basis] = samples["school"].basis_documents
    assert (basis.issuer, basis.document_number) == ("中共扬州市教育局委员会", "扬教党〔2026〕9号")


def test_the_school_plan_has_three_topic_groups(samples):
    groups = samples["school"].topic_groups
    assert [g.title for g in groups] == [
        "围绕立德树人根本任务推动思想大解放", "围绕课堂教学改革推动思想大解放", "围绕教师队伍建设推动思想大解放"]
    assert [len(g.topics) for g in groups] == [3, 4, 2]


def test_the_school_plan_phases_sit_inside_the_city_phases(samples):
    school, city = samples["school"], samples["city"]
    assert phase_table(school) == [
        ("宣传发动阶段", D(2026, 3, 11), D(2026, 3, 31)),
        ("学习讨论阶段", D(2026, 4, 1), D(2026, 6, 10)),
        ("查摆整改阶段", D(2026, 6, 21), D(2026, 10, 20)),
        ("总结提升阶段", D(2026, 11, 1), D(2026, 12, 20)),
    ]
    assert {p.year_from for p in school.phases} == {"document_date"}  # no year in the steps: the 落款's
    for mine, theirs in zip(school.phases, city.phases):
        assert theirs.start <= mine.start <= mine.end <= theirs.end
    assert [t.title for t in school.phases[1].tasks] == ["专题学习", "分组研讨", "征集建议"]
    assert school.phases[1].responsible_units == ["党委办公室", "教务处", "各党支部"]


def test_the_school_plan_monthly_study_is_a_rule(samples):
    rules = [(r.activity_kind, r.metric, r.minimum, r.period, r.phase) for r in samples["school"].requirements]
    assert ("专题学习", "count", 1, "每月", "学习讨论阶段") in rules


def test_the_school_plan_leading_group_is_read_from_prose(samples):
    group = samples["school"].leading_group
    assert group is not None
    assert group.name == "解放思想大讨论活动领导小组"
    assert (group.leaders, group.deputy_leaders) == (["党委书记", "校长"], ["党委副书记", "副校长"])
    assert group.members == ["党委办公室", "校长室", "教务处", "政教处", "总务处"]
    assert group.members_note == "等部门主要负责人"
    assert group.office["location"] == "党委办公室"


def test_the_school_schedule_table_is_read_from_one_cell_a_line(samples):
    rows = samples["school"].schedule
    assert len(rows) == 7
    assert (rows[1].content, rows[1].responsible_units) == ("开设“解放思想大家谈”专栏", ["党委办公室", "校长室"])
    assert (rows[3].phase, rows[3].time_text, rows[3].start, rows[3].end) == (
        "学习讨论阶段", "4月至6月上旬", D(2026, 4, 1), D(2026, 6, 10))  # a cell over two lines
    assert (rows[-1].phase, rows[-1].end) == ("总结提升阶段", D(2026, 12, 20))


def test_the_school_plan_keeps_its_cover_notice_as_unplaced_text(samples):
    unplaced = [p.text for p in samples["school"].unplaced]
    assert any(t.startswith("《邗江中学关于开展解放思想大讨论活动的实施方案》已经学校党委会研究通过") for t in unplaced)


# --- all three


def test_every_shipped_plan_serialises_to_json_and_spans_match_their_sources(samples):
    for plan in samples.values():
        data = plan.to_dict()
        json.dumps(data, ensure_ascii=False)
        assert 0.0 <= min(data["confidence"].values()) <= max(data["confidence"].values()) <= 1.0
        assert_spans_point_at_sources(plan)
        assert_nothing_is_dropped(plan)
