"""Every date the importer derives says how it was read from the text (上旬 → 1日至10日, the
year from the 文号 …), so a reviewer can check it against the document; and the readings
themselves: parts of months, month ranges, dates inside sentences, year ends, leap years."""

from __future__ import annotations

from datetime import date

import pytest

from taolun.events.plan_import import parse_plan
from taolun.events.plan_import.dates import find_ranges, resolve
from taolun.events.plan_import.normalize import fold

D = date


def plan_with_steps(steps: str, header: str = "临教发〔2025〕3号\n") -> str:
    return f"{header}临江市教育系统大讨论活动实施方案\n一、指导思想\n坚持问题导向。\n二、实施步骤\n{steps}\n三、工作要求\n务求实效。\n"


def read(text: str, year: int = 2024) -> tuple[date | None, date | None, str | None]:
    resolved = resolve(find_ranges(fold(text))[0], year)
    return resolved.start, resolved.end, resolved.why.text


@pytest.mark.parametrize("text, start, end, reading", [
    ("3月上旬", D(2024, 3, 1), D(2024, 3, 10), "3月上旬 → 1日至10日"),
    ("3月初", D(2024, 3, 1), D(2024, 3, 10), "3月初 → 1日至10日"),
    ("3月中旬", D(2024, 3, 11), D(2024, 3, 20), "3月中旬 → 11日至20日"),
    ("4月下旬", D(2024, 4, 21), D(2024, 4, 30), "4月下旬 → 21日至月末（4月30日）"),
    ("4月末", D(2024, 4, 21), D(2024, 4, 30), "4月末 → 21日至月末（4月30日）"),
    ("9月", D(2024, 9, 1), D(2024, 9, 30), "9月 → 整月（9月1日至30日）"),
    ("4—6月", D(2024, 4, 1), D(2024, 6, 30), "4月 → 自4月1日起；6月 → 至6月30日"),
    ("2025年11—12月", D(2025, 11, 1), D(2025, 12, 31), "11月 → 自11月1日起；12月 → 至12月31日"),
    ("第二季度", D(2024, 4, 1), D(2024, 6, 30), "第二季度 → 4月1日至6月30日"),
    ("4季度", D(2024, 10, 1), D(2024, 12, 31), "第四季度 → 10月1日至12月31日"),
    ("下半年", D(2024, 7, 1), D(2024, 12, 31), "下半年 → 7月1日至12月31日"),
    ("3月至年底", D(2024, 3, 1), D(2024, 12, 31), "3月 → 自3月1日起；年底 → 12月21日至12月31日"),
])
def test_parts_of_months_and_month_ranges_read_as_the_conventions_say(text, start, end, reading):
    assert read(text) == (start, end, reading)


def test_february_ends_on_the_29th_in_a_leap_year_and_the_reading_says_so():
    assert read("1月下旬至2月底", 2024)[1] == D(2024, 2, 29)
    assert "2024年是闰年，2月末为29日" in read("1月下旬至2月底", 2024)[2]
    assert read("1月下旬至2月底", 2025)[1:] == (D(2025, 2, 28), "1月下旬 → 21日至月末；2月底 → 21日至月末（2月28日）")


@pytest.mark.parametrize("text", ["从4月6日开始，到4月20日结束", "自4月6日起至4月20日止", "4月6日—20日", "4月6日~4月20日"])
def test_a_range_written_inside_a_sentence_reads_like_one_in_parentheses(text):
    assert read(text)[:2] == (D(2024, 4, 6), D(2024, 4, 20))


def test_a_range_across_the_year_end_ends_in_the_next_year_and_says_why():
    start, end, reading = read("12月中旬至次年1月中旬", 2023)
    assert (start, end) == (D(2023, 12, 11), D(2024, 1, 20))
    assert "结束月份早于开始月份，结束日期在次年（2024年）" in reading


def test_the_year_taken_from_the_document_number_is_named_with_the_number():
    plan = parse_plan(plan_with_steps("（一）学习阶段（3月下旬）。组织学习。\n（二）整改阶段（4月）。逐项整改。"))
    first, second = plan.phases
    assert (first.start, first.end) == (D(2025, 3, 21), D(2025, 3, 31))
    assert first.date_reasoning == "3月下旬 → 21日至月末（3月31日）；年份取自文号“临教发〔2025〕3号”"
    assert first.date_reasoning_en == "下旬 → 21st–end of month (2025-03-31); year from the document number (2025)"
    assert second.date_reasoning == "4月 → 整月（4月1日至30日）；年份取自文号“临教发〔2025〕3号”"


def test_a_later_phase_in_an_earlier_month_rolls_into_the_next_year_and_says_so():
    plan = parse_plan(plan_with_steps(
        "（一）调研阶段（11月中旬至12月上旬）。调研。\n（二）研讨阶段（12月中旬至次年1月中旬）。研讨。\n"
        "（三）整改阶段（1月下旬至2月底）。整改。", header="湖教办（2023）41号\n"))
    assert [(p.start, p.end) for p in plan.phases] == [
        (D(2023, 11, 11), D(2023, 12, 10)), (D(2023, 12, 11), D(2024, 1, 20)), (D(2024, 1, 21), D(2024, 2, 29))]
    assert plan.phases[2].date_reasoning == (
        "1月下旬 → 21日至月末；2月底 → 21日至月末（2月29日）；2024年是闰年，2月末为29日；年份承接上一阶段（2024年）")


def test_the_year_of_the_section_opening_and_of_the_document_date_are_named():
    section = parse_plan(plan_with_steps("活动自2022年3月开始，分两个阶段。\n（一）部署阶段（3月初）。部署。\n（二）总结阶段（7月）。总结。"))
    assert section.phases[0].date_reasoning == "3月初 → 1日至10日；年份取自本节开头“2022年”"
    dated = parse_plan(plan_with_steps("第一阶段：学习准备（9月1日—9月15日）。学习。", header="")
                       + "临江市第三实验小学\n二〇二一年八月三十日\n")
    assert dated.phases[0].date_reasoning == "年份取自发文日期“二〇二一年八月三十日”"


def test_dates_written_in_full_say_they_are_as_written():
    plan = parse_plan(plan_with_steps("（一）部署阶段（2023年10月9日至2023年10月20日）。部署。"))
    assert plan.phases[0].date_reasoning == "日期照原文"
    assert plan.phases[0].date_reasoning_en == "dates as written"


def test_a_phase_with_only_a_deadline_starts_the_day_after_the_previous_one_ends():
    plan = parse_plan(plan_with_steps("1．准备阶段（2024年11月）。准备。\n2．实施阶段（2024年12月—2025年1月）。实施。\n"
                                      "3．总结阶段（2025年2月底前）。总结。"))
    last = plan.phases[-1]
    assert (last.start, last.end) == (D(2025, 2, 1), D(2025, 2, 28))
    assert last.date_reasoning.endswith("未写开始日期，取上一阶段结束的次日（2月1日）")


def test_a_date_on_the_line_after_the_phase_name_belongs_to_the_phase():
    plan = parse_plan(plan_with_steps(
        "第一阶段：宣传发动\n（2025年5月6日—5月20日）\n动员。\n第二阶段：学习讨论\n时间：5月21日至7月15日\n学习。\n"
        "第三阶段 整改提升\n从7月16日开始，到9月30日结束。整改。"))
    assert [(p.name, p.start, p.end) for p in plan.phases] == [
        ("第一阶段：宣传发动", D(2025, 5, 6), D(2025, 5, 20)),
        ("第二阶段：学习讨论", D(2025, 5, 21), D(2025, 7, 15)),
        ("第三阶段 整改提升", D(2025, 7, 16), D(2025, 9, 30)),
    ]


def test_phases_named_by_their_work_under_an_unlisted_heading_are_found():
    text = plan_with_steps("", header="").replace("二、实施步骤\n", "二、活动进程\n（一）深入查摆，剖析根源（3月中旬——4月下旬）。查摆。\n"
                                                   "（二）对标整改，建章立制（5月—6月）。整改。\n")
    plan = parse_plan(text + "2025年3月1日\n")
    assert [(p.name, p.start, p.end) for p in plan.phases] == [
        ("深入查摆，剖析根源", D(2025, 3, 11), D(2025, 4, 30)), ("对标整改，建章立制", D(2025, 5, 1), D(2025, 6, 30))]


def test_numbered_items_that_merely_mention_a_date_are_not_phases():
    text = plan_with_steps("", header="").replace("二、实施步骤\n", "二、工作目标\n（一）力争到2025年底，全面完成改造任务。\n"
                                                   "（二）深入推进集团化办学，到2026年9月覆盖全部学校。\n"
                                                   "（三）教师培训（2024年5月）完成。\n")
    assert parse_plan(text).phases == []


def test_the_campaigns_year_is_used_only_when_the_document_writes_no_year():
    steps = "（一）学习阶段（3月上旬至3月下旬）。学习。"
    without = parse_plan(plan_with_steps(steps, header=""), campaign_year=2026).phases[0]
    assert (without.start, without.end, without.year_from) == (D(2026, 3, 1), D(2026, 3, 31), "campaign")
    assert without.date_reasoning.endswith("原文未写年份，取上级活动方案的年份（2026年）")
    numbered = parse_plan(plan_with_steps(steps), campaign_year=2026).phases[0]
    assert (numbered.start, numbered.year_from) == (D(2025, 3, 1), "document_number")
    assert parse_plan(plan_with_steps(steps, header="")).phases[0].start is None


def test_table_rows_across_the_year_end_keep_the_next_year_and_become_the_phases():
    text = ("湖教办（2023）41号\n活动方案\n一、实施步骤\n活动阶段\n实施时间\n工作内容\n宣传阶段\n11月\n动员部署\n"
            "学习阶段\n12月—次年1月\n学习讨论\n总结阶段\n2月\n总结表彰\n二、工作要求\n务求实效。\n")
    plan = parse_plan(text)
    assert [(r.phase, r.start, r.end) for r in plan.schedule] == [
        ("宣传阶段", D(2023, 11, 1), D(2023, 11, 30)), ("学习阶段", D(2023, 12, 1), D(2024, 1, 31)),
        ("总结阶段", D(2024, 2, 1), D(2024, 2, 29))]
    assert [(p.name, p.start, p.end) for p in plan.phases] == [(r.phase, r.start, r.end) for r in plan.schedule]
    assert plan.schedule[0].date_reasoning == "11月 → 整月（11月1日至30日）；年份取自文号“湖教办（2023）41号”"
    assert plan.phases[2].date_reasoning.endswith("年份承接上一行（2024年）")


def test_a_phase_from_the_issue_day_starts_on_the_documents_date():
    plan = parse_plan(plan_with_steps("（一）动员阶段（即日起至3月15日）。动员。\n（二）学习阶段（第二季度）。学习。", header="")
                      + "临江市教育局\n2022年3月1日\n")
    first = plan.phases[0]
    assert [(p.start, p.end) for p in plan.phases] == [(D(2022, 3, 1), D(2022, 3, 15)), (D(2022, 4, 1), D(2022, 6, 30))]
    assert first.date_reasoning == "“即日起” → 自发文日期2022年3月1日起；年份取自发文日期“2022年3月1日”"
    without_date = parse_plan(plan_with_steps("（一）动员阶段（即日起至3月15日）。动员。"))
    assert (without_date.phases[0].start, without_date.phases[0].end) == (None, D(2025, 3, 15))
