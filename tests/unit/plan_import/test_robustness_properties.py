"""Property-based: re-punctuated, re-spaced, re-numbered and web-noisy copies of the shipped
example plans (and of the real seeds, where found) never crash the importer and never lose
or shift a phase."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taolun.events.plan_import import parse_plan, read_document

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

WIDTH_PAIRS = [("（", "("), ("）", ")"), ("：", ":"), ("，", ","), ("；", ";"), ("。", "．"), ("～", "~")]
NOISE_LINES = [
    "首页 > 通知公告 > 正文",
    "您当前的位置：首页 > 信息公开",
    "打印本页 关闭窗口",
    "来源： 浏览次数：",
    "【字体：大 中 小】",
    "发布时间：2023-06-01 09:30",
    "分享到：",
    "上一篇：关于做好暑期安全工作的通知",
]
SPACES = ["", " ", "  ", "\u3000\u3000", "\u00a0", "\u2002"]
NUMBERING_SWAPS = {
    "cn": [(r"^([一二三四五六七八九十]+)、", r"第\1、"), (r"^([一二三四五六七八九十]+)、", r"\1．")],
    "pcn": [(r"^（([一二三四五六七八九十]+)）", r"(\1)"), (r"^\(([一二三四五六七八九十]+)\)", r"（\1）")],
    "arabic": [(r"^(\d{1,2})\.", r"\1、"), (r"^(\d{1,2})\.", r"\1．")],
}


def phases_of(text: str) -> list[tuple]:
    plan = parse_plan(text)
    plan.to_dict()
    return [(p.start, p.end) for p in plan.phases]


def _in_table(lines: list[str], i: int) -> bool:
    return lines[i].startswith("\t") or (i > 0 and lines[i - 1].startswith("\t")) or (
        i > 1 and lines[i - 2].startswith("\t") and not lines[i - 1].strip() == "")


@st.composite
def variants(draw, text: str) -> str:
    # punctuation: swap chosen full-width marks to half-width or back
    for full, half in draw(st.lists(st.sampled_from(WIDTH_PAIRS), unique=True, max_size=len(WIDTH_PAIRS))):
        text = text.replace(full, half) if draw(st.booleans()) else text.replace(half, full)
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if _in_table(lines, i):
            out.append(line)
            continue
        for style, swaps in NUMBERING_SWAPS.items():
            if draw(st.booleans()):
                pattern, repl = draw(st.sampled_from(swaps))
                line = re.sub(pattern, repl, line)
        line = draw(st.sampled_from(SPACES)) + line + draw(st.sampled_from(SPACES))
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(NOISE_LINES)))
        if draw(st.integers(0, 9)) == 0:
            out.append("")
        out.append(line)
    head = draw(st.lists(st.sampled_from(NOISE_LINES), max_size=3))
    tail = draw(st.lists(st.sampled_from(NOISE_LINES), max_size=3))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(head + out + tail)


def _check(texts, parsed, key, data):
    noisy = data.draw(variants(texts[key]))
    text = read_document(noisy.encode(data.draw(st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))))
    expected = [(p.start, p.end) for p in parsed[key].phases]
    assert expected and phases_of(text) == expected


@pytest.mark.parametrize("key", ["city", "district", "school"])
@SETTINGS
@given(data=st.data())
def test_a_noisy_copy_of_a_shipped_plan_keeps_its_phases(sample_text, samples, key, data):
    _check(sample_text, samples, key, data)


@pytest.mark.seeds
@SETTINGS
@given(data=st.data())
def test_a_noisy_copy_of_the_school_plan_keeps_its_four_phases(seed_text, plans, data):
    _check(seed_text, plans, "yiyang", data)


@pytest.mark.seeds
@SETTINGS
@given(data=st.data())
def test_a_noisy_copy_of_the_university_plan_keeps_its_three_phases(seed_text, plans, data):
    _check(seed_text, plans, "tianjin", data)


@pytest.mark.seeds
@SETTINGS
@given(data=st.data())
def test_a_noisy_copy_of_the_city_plan_keeps_its_four_phases(seed_text, plans, data):
    _check(seed_text, plans, "yangzhou", data)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二三、（）()1.阶段月至底旬年2019—-组长：成员\n\t 《》“”主题不少于次天")), max_size=300))
def test_arbitrary_fragments_of_plan_vocabulary_never_crash(text):
    plan = parse_plan(text)
    plan.to_dict()
    for phase in plan.phases:
        assert phase.start is None or phase.end is None or phase.start <= phase.end
