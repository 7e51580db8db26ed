"""Machine-checkable rules in the text: 集中学习不少于3天, 每月至少开展一次主题党日 …"""

from __future__ import annotations

import re

from .numerals import to_int
from .result import Phase, Requirement
from .source import Source

ACTIVITY_KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("中心组学习", ("中心组",)),
    ("主题党日", ("主题党日", "党员活动日", "党日活动", "党员统一活动日")),
    ("组织生活会", ("组织生活会", "民主生活会")),
    ("党课", ("党课",)),
    ("座谈会", ("座谈",)),
    ("研讨会", ("研讨",)),
    ("交流会", ("交流",)),
    ("论坛/讲座", ("论坛", "讲座", "报告会", "宣讲")),
    ("征文", ("征文",)),
    ("献策", ("献策", "献计", "建言", "金点子")),
    ("调研走访", ("调研", "走访", "调查研究")),
    ("参观学习", ("参观", "现场教学", "考察学习")),
    ("专题学习", ("集中学习", "专题学习", "理论学习", "学习")),
]
_NUM = r"(\d{1,3}|[一二两三四五六七八九十百]{1,4})"
_UNIT = r"(个工作日|学时|小时|课时|次|场|期|篇|天|日|个)"
_VERB = r"(?:开展|组织|召开|举办|举行|参加|进行|安排|讲|上|撰写|提交)"
_AT_LEAST = r"(?:原则上)?(?:每人)?(?:不少于|不低于|不得少于|至少|最少)"
_EXPLICIT = re.compile(rf"{_AT_LEAST}\s*(?:{_VERB}\s*)?(?:上\s*)?{_NUM}\s*{_UNIT}")
_IMPLICIT = re.compile(rf"{_VERB}\s*(?:上\s*)?{_NUM}\s*(次|场|期)")
_PERIOD = re.compile(r"每(?:个)?(?:月|周|季度|学期|年|阶段|半年)|全年|年内|活动期间|期间|本阶段")
_CLAUSE_BREAK = re.compile(r"[,。;:!?\n、]")
_METRIC = {"次": "count", "场": "count", "期": "count", "篇": "count", "个": "count", "天": "days",
           "日": "days", "个工作日": "days", "学时": "hours", "小时": "hours", "课时": "hours"}


def activity_kind(text: str) -> str | None:
    for kind, words in ACTIVITY_KINDS:
        if any(w in text for w in words):
            return kind
    return None


def find_requirements(src: Source, phases: list[Phase], skip: set[int]) -> list[Requirement]:
    found: list[Requirement] = []
    taken: list[tuple[int, int]] = []
    for line in src.lines:
        if not line.text or line.noise or line.index in skip:
            continue
        for pattern, explicit in ((_EXPLICIT, True), (_IMPLICIT, False)):
            for m in pattern.finditer(src.folded, line.start, line.end):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                rule = _rule(src, line.start, line.end, m, explicit, phases)
                if rule is not None:
                    found.append(rule)
                    taken.append(rule.span)
    return sorted(found, key=lambda r: r.span)


def _rule(src: Source, line_start: int, line_end: int, m: re.Match[str], explicit: bool,
          phases: list[Phase]) -> Requirement | None:
    minimum = to_int(m.group(1))
    if not minimum:
        return None
    folded = src.folded
    clause_start = _clause_start(folded, line_start, m.start())
    after = _CLAUSE_BREAK.search(folded, m.end(), line_end)
    clause_end = after.start() if after else line_end
    tail = folded[m.end():clause_end]
    head = folded[clause_start:m.start()]
    kind = activity_kind(tail) or activity_kind(head)
    if kind is None:
        # An implicit count (“组织一次…”) is a rule only when it names an activity.
        if not explicit and not re.search(r"(?:活动|会|课|学习|讲座|论坛|征文)$", tail.strip()):
            return None
        kind = "其他"
    # The period belongs to this rule's own sentence part: “…；全年集中学习活动不少于三次”.
    part_start = max(folded.rfind("。", line_start, m.start()), folded.rfind(";", line_start, m.start())) + 1
    period = _PERIOD.search(folded, max(part_start, line_start), clause_end)
    phase = next((p.name for p in phases if p.span[0] <= m.start() < p.span[1]), None)
    return Requirement(
        activity_kind=kind,
        metric=_METRIC[m.group(2)],
        minimum=minimum,
        period=src.text[period.start():period.end()] if period else None,
        scope=src.text[clause_start:clause_end].strip(),
        phase=phase,
        span=(clause_start, clause_end),
        source=src.text[clause_start:clause_end],
    )


def _clause_start(folded: str, line_start: int, at: int) -> int:
    start = at
    while start > line_start and not _CLAUSE_BREAK.match(folded[start - 1]):
        start -= 1
    return start
