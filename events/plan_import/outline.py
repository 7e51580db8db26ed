"""Lines, numbering styles and top-level sections, following 公文 outline conventions.

Levels by numbering style: 一、 > （一） > 1. > （1） > ①. Section kinds are recognised by the
keywords 公文 use for them (指导思想, 基本原则, 方法步骤 …), so a heading numbered in the wrong
style (“2、 基本原则” between 一、 and 三、) still opens a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import is_noise
from .numerals import to_int

_CN = "一二三四五六七八九十"
# Patterns run on folded, left-stripped lines. A repeated ordinal (“第二第二、”) is a typo
# seen in real documents and still counts as one number.
_NUMBERING = [
    ("cn", 1, re.compile(rf"(?:第?([{_CN}]{{1,3}})){{1,2}}\s*(?:、|\.(?!\d)|:|,(?=\s*\S{{2,16}}$)|\s+(?=\S))(?!是)")),
    ("pcn", 2, re.compile(rf"\(\s*([{_CN}]{{1,3}})\s*\)\s*[、.]?")),
    # “1。” is a typist's “1．” (the IME's full stop); no sentence starts with a bare number and 。
    ("arabic", 3, re.compile(r"(\d{1,2})\s*(?:、|\.(?!\d)|。(?=\S)|:(?!\d)|\s+(?=[^\d\s年月日]))")),
    ("parabic", 4, re.compile(r"\(\s*(\d{1,2})\s*\)\s*[、.]?|(\d{1,2})\)\s*")),
    ("circled", 5, re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Section keyword → kind. Order matters: the first matching keyword wins.
SECTION_KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("guiding", ("指导思想", "总体要求", "总体思路", "总的要求", "工作思路", "目的意义", "重要意义")),
    ("goals", ("目标任务", "总体目标", "工作目标", "主要目标", "活动目标", "目标要求")),
    ("principles", ("基本原则", "工作原则", "主要原则", "遵循原则")),
    ("topics", ("讨论主题", "研讨主题", "讨论内容", "研讨内容", "讨论专题", "讨论题目", "研讨题目",
                "讨论拟题", "讨论议题", "主题与内容", "主题和内容", "学习讨论内容")),
    ("phases", ("方法步骤", "实施步骤", "工作安排", "步骤安排", "时间安排", "阶段安排", "进度安排",
                "工作步骤", "活动安排", "实施阶段", "工作进度", "方法措施", "步骤和方法", "时间步骤",
                "推进步骤", "推进安排", "活动步骤", "实施进度", "时间进度")),
    ("tasks", ("主要任务", "重点任务", "主要内容", "活动内容", "主要活动", "工作任务", "重点工作")),
    ("organisation", ("组织领导", "组织机构", "领导小组", "组织保障", "机构设置")),
    ("requirements", ("工作要求", "保障措施", "有关要求", "具体要求", "工作保障", "相关要求", "几点要求",
                      "注意事项", "活动要求", "纪律要求")),
    ("attachments", ("附件",)),
]


@dataclass
class Line:
    index: int
    start: int  # offset of the first non-blank character in the normalised text
    end: int  # offset after the last non-blank character
    text: str  # stripped original
    folded: str  # stripped folded
    style: str | None = None  # numbering style
    level: int | None = None
    number: int | None = None
    body_start: int = 0  # offset where the text after the numbering begins
    noise: bool = False

    @property
    def body(self) -> str:
        return self.text[self.body_start - self.start:]

    @property
    def folded_body(self) -> str:
        return self.folded[self.body_start - self.start:]

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass
class Section:
    kind: str
    heading: Line | None
    lines: list[Line] = field(default_factory=list)  # content lines, heading excluded

    @property
    def start(self) -> int:
        first = self.heading or (self.lines[0] if self.lines else None)
        return first.start if first else 0

    @property
    def end(self) -> int:
        last = self.lines[-1] if self.lines else self.heading
        return last.end if last else 0


def split_lines(text: str, folded: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for index, raw in enumerate(text.split("\n")):
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        start = offset + lead
        end = start + len(stripped)
        line = Line(index, start, end, stripped, folded[start:end], body_start=start)
        line.noise = is_noise(line.folded)
        if stripped and not line.noise:
            _number(line)
        lines.append(line)
        offset += len(raw) + 1
    return lines


def _number(line: Line) -> None:
    for style, level, pattern in _NUMBERING:
        m = pattern.match(line.folded)
        if not m:
            continue
        token = next(g for g in m.groups() if g)
        number = _CIRCLED.index(token) + 1 if style == "circled" else to_int(token)
        if number is None or number == 0:
            continue
        line.style, line.level, line.number = style, level, number
        line.body_start = line.start + m.end()
        return


def section_kind(heading_text: str) -> str | None:
    for kind, keywords in SECTION_KINDS:
        if any(k in heading_text for k in keywords):
            return kind
    return None


def is_section_heading(line: Line, seen_numbered_section: bool) -> bool:
    """Top-level heading: 一、 numbering, or a short keyword heading in any numbering style."""
    if line.blank or line.noise:
        return False
    body = line.folded_body.strip()
    short = len(body) <= 20 and not re.search(r"[。;]", body)
    if line.style == "cn":
        return True
    keyword = section_kind(body) if short else None
    if keyword == "attachments":
        # 附件 lines before the body (cover notice, attachment marks) are not sections.
        return seen_numbered_section and body.startswith("附件")
    if keyword is None:
        return False
    if line.style is None:
        return len(body.strip("【】[]:：")) <= 12 and bool(re.fullmatch(r"[【\[]?[^,。]+[】\]]?:?", body))
    # “2、 基本原则” among 一、/三、: a mis-numbered top-level keyword heading.
    return line.style == "arabic" and seen_numbered_section


def build_sections(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """Answer the front matter lines and the sections that follow the first heading."""
    front: list[Line] = []
    sections: list[Section] = []
    seen = False
    for line in lines:
        if is_section_heading(line, seen):
            kind = section_kind(line.folded_body) or "other"
            # An unnumbered keyword line of the current kind (“讨论拟题：” inside 讨论主题与内容)
            # is a sub-heading, not a new section.
            if not (line.style is None and sections and sections[-1].kind == kind):
                sections.append(Section(kind, line))
                seen = True
                continue
        if sections:
            sections[-1].lines.append(line)
        else:
            front.append(line)
    return front, sections
