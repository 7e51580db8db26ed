"""The normalised text with its folded view and lines, shared by all extractors."""

from __future__ import annotations

from .normalize import fold, normalise
from .outline import Line, split_lines
from .result import Field, Passage

# Names of organisations end in one of these; used to tell a unit from a sentence.
ORG_SUFFIXES = (
    "委员会", "学校", "大学", "学院", "中学", "小学", "幼儿园", "教育局", "局", "厅", "党委", "党组",
    "总支", "支部", "政府", "办公室", "办公厅", "中心", "研究所", "教科所", "工委", "集团", "公司",
    "党总支", "委", "院", "校", "所", "部", "处", "科", "室", "办", "组", "系", "会", "馆", "站",
    "队", "单位", "部门", "科室", "处室", "团委", "工会",
)


class Source:
    def __init__(self, raw: str) -> None:
        self.text = normalise(raw)
        self.folded = fold(self.text)
        self.lines: list[Line] = split_lines(self.text, self.folded)
        self.used: set[int] = set()  # indices of lines an extractor has turned into structure

    def field(self, value: object, start: int, end: int, confidence: float) -> Field:
        return Field(value, (start, end), self.text[start:end], round(confidence, 2))

    def passage(self, start: int, end: int) -> Passage:
        return Passage(self.text[start:end], (start, end))

    def use(self, *lines: Line) -> None:
        self.used.update(line.index for line in lines)


def looks_like_org(name: str, max_len: int = 30) -> bool:
    name = name.strip()
    return 2 <= len(name) <= max_len and name.endswith(ORG_SUFFIXES) and not any(
        c in name for c in "，,。；;：:《》“”\"()（）"
    )
