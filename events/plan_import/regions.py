"""Sections split further where a numbered sub-heading names another section kind.

Plans often nest: 一、总体要求 holds （一）指导思想 and （二）基本原则; 五、保障措施 holds
（一）加强组织领导. Extractors read regions by kind, wherever the keyword heading sits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .outline import Line, Section, section_kind


@dataclass
class Region:
    kind: str
    heading: Line | None
    lines: list[Line]
    section: Section

    @property
    def content(self) -> list[Line]:
        return [ln for ln in self.lines if ln.text and not ln.noise]

    @property
    def start(self) -> int:
        return (self.heading or self.lines[0]).start if (self.heading or self.lines) else 0


def short_title(line: Line) -> str:
    """Heading text of a numbered line: up to the first full stop or colon when short."""
    body = line.folded_body
    m = re.match(r"([^。:;]{1,30})(?:[。:;]|$)", body)
    return m.group(1).strip() if m else ""


def split_regions(sections: list[Section]) -> list[Region]:
    regions: list[Region] = []
    for section in sections:
        current = Region(section.kind, section.heading, [], section)
        regions.append(current)
        sub_style: str | None = None
        for line in section.lines:
            kind = section_kind(short_title(line)) if line.style and line.style != "cn" else None
            if kind and kind != section.kind and kind != "attachments":
                sub_style = line.style
                current = Region(kind, line, [line], section)
                regions.append(current)
                continue
            if sub_style and line.style == sub_style and current.kind != section.kind:
                # the next sibling of a keyword sub-heading returns to the parent's kind
                current = Region(section.kind, None, [], section)
                regions.append(current)
                sub_style = None
            current.lines.append(line)
    return [r for r in regions if r.heading or r.content]


def of_kind(regions: list[Region], kind: str) -> list[Region]:
    return [r for r in regions if r.kind == kind]
