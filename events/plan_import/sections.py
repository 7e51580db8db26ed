"""Prose sections: guiding ideology, goals, principles and discussion topics."""

from __future__ import annotations

from .outline import Line
from .regions import Region, of_kind, short_title
from .result import Field, Principle, Topic, TopicGroup
from .source import Source

_TRAILING = "；;。.,，、 "


def prose_field(src: Source, regions: list[Region], confidence: float) -> Field:
    """All text of the regions, as one value spanning them."""
    lines = [ln for r in regions for ln in r.content if ln is not r.heading]
    if not lines:
        return Field(None)
    src.use(*lines)
    value = "\n".join(ln.text for ln in lines)
    return src.field(value, lines[0].start, lines[-1].end, confidence)


def guiding_ideology(src: Source, regions: list[Region]) -> Field:
    found = of_kind(regions, "guiding")
    explicit = any(r.heading and "指导思想" in r.heading.text for r in found)
    return prose_field(src, found, 0.85 if explicit else 0.7)


def goals(src: Source, regions: list[Region]) -> Field:
    return prose_field(src, of_kind(regions, "goals"), 0.8)


def _items(region: Region) -> list[tuple[Line, list[Line]]]:
    """Numbered items at the region's first numbered level, each with its continuation lines."""
    content = [ln for ln in region.content if ln is not region.heading]
    levels = [ln.level for ln in content if ln.level and ln.style != "cn"]
    if not levels:
        return []
    top = min(levels)
    items: list[tuple[Line, list[Line]]] = []
    for line in content:
        if line.level == top:
            items.append((line, []))
        elif items and not (line.level and line.level < top):
            items[-1][1].append(line)
    return items


def principles(src: Source, regions: list[Region]) -> list[Principle]:
    found: list[Principle] = []
    for region in of_kind(regions, "principles"):
        for line, rest in _items(region):
            title = short_title(line) or None
            text = "\n".join([line.body] + [ln.text for ln in rest if ln.text])
            end = (rest[-1] if rest and rest[-1].text else line).end
            found.append(Principle(line.number, title and src.text[line.body_start: line.body_start + len(title)],
                                   text, (line.start, end), src.text[line.start:end]))
            src.use(line, *rest)
    return found


# Without a topics section, a numbered list under one of these headings holds the topics.
_TOPIC_LIST_HEADINGS = ("主要内容", "目标任务", "讨论重点")


def topic_groups(src: Source, regions: list[Region]) -> list[TopicGroup]:
    groups = _groups(src, of_kind(regions, "topics"))
    if any(g.topics for g in groups):
        return groups
    listed = [r for r in regions if r.heading and any(w in r.heading.text for w in _TOPIC_LIST_HEADINGS)]
    return _groups(src, listed) or groups


def _groups(src: Source, regions: list[Region]) -> list[TopicGroup]:
    groups: list[TopicGroup] = []
    for region in regions:
        content = [ln for ln in region.content if ln is not region.heading]
        levels = sorted({ln.level for ln in content if ln.level and ln.style != "cn"})
        if not levels:
            continue
        group_level = levels[0] if len(levels) > 1 else None
        item_level = levels[1] if len(levels) > 1 else levels[0]
        current: TopicGroup | None = None
        for line in content:
            if group_level is not None and line.level == group_level:
                title = line.body.strip().rstrip(_TRAILING)
                current = TopicGroup(line.number, title, [], (line.start, line.end), line.text)
                groups.append(current)
                src.use(line)
            elif line.level == item_level:
                if current is None:
                    current = TopicGroup(None, None, [], None, None)
                    groups.append(current)
                text = line.body.strip().rstrip(_TRAILING)
                current.topics.append(Topic(line.number, text, (line.start, line.end), line.text))
                src.use(line)
    return [g for g in groups if g.topics or g.title]
