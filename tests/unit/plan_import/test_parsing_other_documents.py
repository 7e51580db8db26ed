"""Documents unlike the seeds: other numbering, labelled leading groups, explicit rules."""

from __future__ import annotations

from datetime import date

from taolun.events.plan_import import parse_plan

OTHER_PLAN = """首页 > 通知公告 > 正文
来源： 浏览次数：
某某区教育局关于开展“大学习、大讨论、大推动”活动的实施方案
发布时间：2021-02-20
各中小学、幼儿园：
为深入贯彻落实市委《关于开展大学习大讨论大推动活动的通知》（某委发〔2021〕2号）精神，制定本方案。
一、指导思想
以习近平新时代中国特色社会主义思想为指导，以“学思践悟新思想，奋进教育新征程”为主题。
二、目标任务
通过活动，推动全区教育高质量发展。
三、实施步骤
活动从2020年11月开始，至2021年3月结束。
1.动员部署阶段（11月上旬至11月底）。召开全区动员大会。（局办公室）
2.学习研讨阶段（12月—次年2月）。集中学习不少于3天；各支部每月至少开展一次主题党日活动；全年集中学习活动不少于三次；每位党员撰写心得体会不少于两篇。
3.总结提升阶段（3月中下旬）。总结经验。
四、组织领导
成立活动领导小组：
组  长：张三  局党委书记
副组长：李四、王五
成  员：赵六、钱七、孙八
领导小组下设办公室，办公室设在组织科，孙八同志任办公室主任。
打印本页 关闭窗口
"""


def test_a_web_page_copy_keeps_noise_apart_and_finds_the_header():
    plan = parse_plan(OTHER_PLAN)
    assert [n.text for n in plan.noise][:2] == ["首页 > 通知公告 > 正文", "来源： 浏览次数："]
    assert plan.noise[-1].text == "打印本页 关闭窗口"
    assert plan.header.title.value == "某某区教育局关于开展“大学习、大讨论、大推动”活动的实施方案"
    assert plan.header.issue_date.value == date(2021, 2, 20)
    assert plan.header.issue_date.confidence < 0.6  # only the page's publication time
    assert plan.header.addressees.value == ["各中小学", "幼儿园"]
    assert plan.theme.value == "学思践悟新思想，奋进教育新征程"
    assert plan.goals.value == "通过活动，推动全区教育高质量发展。"
    [basis] = plan.basis_documents
    assert (basis.issuer, basis.document_number) == ("市委", "某委发〔2021〕2号")


def test_phases_crossing_new_year_roll_into_the_next_year():
    plan = parse_plan(OTHER_PLAN)
    assert [(p.number, p.name, p.start, p.end) for p in plan.phases] == [
        (1, "动员部署阶段", date(2020, 11, 1), date(2020, 11, 30)),
        (2, "学习研讨阶段", date(2020, 12, 1), date(2021, 2, 28)),
        (3, "总结提升阶段", date(2021, 3, 11), date(2021, 3, 31)),
    ]
    assert plan.phases[0].responsible_units == ["局办公室"]


def test_explicit_minimums_with_chinese_numerals_become_rules():
    rules = [(r.activity_kind, r.metric, r.minimum, r.period) for r in parse_plan(OTHER_PLAN).requirements]
    assert rules == [
        ("专题学习", "days", 3, None),
        ("主题党日", "count", 1, "每月"),
        ("专题学习", "count", 3, "全年"),
        ("其他", "count", 2, None),
    ]


def test_a_labelled_leading_group_with_its_office():
    group = parse_plan(OTHER_PLAN).leading_group
    assert group is not None
    assert group.name == "活动领导小组"
    assert group.leaders == ["张三  局党委书记"] or group.leaders == ["张三", "局党委书记"]
    assert group.deputy_leaders == ["李四", "王五"]
    assert group.members == ["赵六", "钱七", "孙八"]
    assert group.office["location"] == "组织科"
    assert group.office["director"] == "孙八"


def test_other_numbering_styles_open_sections_and_phases():
    text = (
        "关于开展主题教育的工作方案\n"
        "第一、总体要求\n坚持以人民为中心。\n"
        "第二第二、工作安排\n"  # a typo seen in real documents
        "(1)学习阶段：2022年4月1日—4月15日。\n"
        "(2)实践阶段：2022年4月16日~5月31日。\n"
        "三．基本原则\n①坚持实事求是。\n②坚持问题导向。\n"
    )
    plan = parse_plan(text)
    assert [s.kind for s in plan.sections] == ["guiding", "phases", "principles"]
    assert [(p.start, p.end) for p in plan.phases] == [
        (date(2022, 4, 1), date(2022, 4, 15)), (date(2022, 4, 16), date(2022, 5, 31))]
    assert [p.title for p in plan.principles] == ["坚持实事求是", "坚持问题导向"]


def test_odd_text_never_raises_and_keeps_everything():
    for text in ["", "\n\n", "阶段", "一、", "（一）（", "组长：", "3月至", "附件：\n\t活动阶段\n\t实施时间\n\t工作内容"]:
        plan = parse_plan(text)
        assert plan.text == text.replace("\r", "")
        plan.to_dict()


def test_a_number_typed_with_the_ime_full_stop_still_numbers_a_phase():
    text = "关于开展大讨论活动的实施方案\n一、进度安排\n1。准备阶段（2024年11月）。准备。\n2。实施阶段（12月）。实施。\n"
    assert [(p.number, p.name, p.start, p.end) for p in parse_plan(text).phases] == [
        (1, "准备阶段", date(2024, 11, 1), date(2024, 11, 30)), (2, "实施阶段", date(2024, 12, 1), date(2024, 12, 31))]


def test_steps_named_first_step_and_names_written_after_the_dates_are_read():
    steps = ("第一步：动员部署（2024年3月上旬）。部署。\n第二步：学习讨论（3月中旬至5月）。学习。\n"
             "第三阶段（6月—7月）：整改落实。整改。\n")
    text = f"临教发〔2024〕3号\n活动方案\n一、实施步骤\n{steps}二、工作要求\n务求实效。\n"
    assert [(p.number, p.name, p.start, p.end) for p in parse_plan(text).phases] == [
        (1, "第一步：动员部署", date(2024, 3, 1), date(2024, 3, 10)),
        (2, "第二步：学习讨论", date(2024, 3, 11), date(2024, 5, 31)),
        (3, "第三阶段：整改落实", date(2024, 6, 1), date(2024, 7, 31)),
    ]
    assert parse_plan("活动方案\n一、实施步骤\n活动第一步要做好动员（2024年3月）。\n").phases == []
