"""Phases (阶段) with their date ranges, tasks (一是…二是… or numbered items) and units."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import RawRange, YearHint, find_ranges, resolve, years_in
from .numerals import to_int
from .outline import Line
from .reasoning import Why, issue_day, year_why
from .regions import Region
from .result import Phase, Task
from .source import Source
from .units import trailing_units

_CN = "一二三四五六七八九十"
_TASK_MARK = re.compile(rf"(?:^|(?<=[。;!?\s)]))([{_CN}]{{1,3}})\s*是\s*")
_NOT_A_PHASE = re.compile(rf"[分共计]\s*[{_CN}\d]+\s*个\s*阶段|各阶段|每个阶段|每一阶段|这一阶段|本阶段")
# “第一步” names a phase only at the start of a line (“第一步要…” in a sentence does not).
_PHASE_WORD = re.compile(rf"^第\s*[{_CN}\d]{{1,3}}\s*步|第\s*[{_CN}\d]{{1,3}}\s*阶段|阶段")
_ORDINAL_PHASE = re.compile(rf"第\s*([{_CN}\d]{{1,3}})\s*(?:阶段|步)")
# After “第一阶段”, the phase's own short name: “：动员部署（3月中旬）”, “ 宣传发动” (own line).
_ORDINAL_NAME = re.compile(r"\s*:?\s*[^\s,。;():][^,。;():]{1,15}?(?=\s*(?:[,。;(:]|$))")
# “第一阶段（3月—4月）：学习讨论”: the name after the dates.
_NAME_AFTER_DATE = re.compile(r"\s*\)?\s*:\s*([^\s,。;():][^,。;():]{1,15}?)\s*(?=[,。;]|$)")
_NAME_THEN_DATE = re.compile(r"[^。;:()]{2,20}?\s*[(:]\s*")
# A line that holds only the date of the heading above it: “（2025年5月6日—5月20日）”,
# “时间：5月21日至7月15日”, “从4月6日开始，到4月20日结束。…”, “7月16日—9月30日”.
_DATE_LINE = re.compile(r"\(?\s*(?:(?:时间|时间安排|实施时间|起止时间|活动时间)\s*[:为]?\s*)?(?:从|自|于)?\s*")


@dataclass
class _Heading:
    line: Line
    name: str
    raw: RawRange | None
    date_span: tuple[int, int] | None  # absolute offsets of the date text
    body_start: int  # absolute offset where the phase's own text starts
    number: int | None


def find_phases(
    src: Source, regions: list[Region], year_hints: list[YearHint], skip: set[int], issued: date | None = None,
) -> list[Phase]:
    """``year_hints``: fallbacks in order, e.g. [YearHint(2019, "document_date", "2019年3月5日"), …];
    ``issued``: the document's date, where a phase starts “即日起”."""
    headings: list[_Heading] = []
    for region in regions:
        headings.extend(_headings(src, region, region.kind == "phases", skip))
    if not headings:
        # Steps under a heading no list knows (“活动进程”), named by their work without
        # 阶段: numbered items of one level that each open with their dates.
        for region in regions:
            found = [h for h in _headings(src, region, True, skip) if _dated_at_once(src, h)]
            items = [ln for ln in region.content if ln.level and found and ln.level == found[0].line.level]
            if len(found) >= 2 and 3 * len(found) >= 2 * len(items):
                headings.extend(found)
    if not headings:
        return []
    phases = []
    year, hint = _context_year(src, regions, headings[0], year_hints)
    last_month: int | None = None
    for i, heading in enumerate(headings):
        following = headings[i + 1].line if i + 1 < len(headings) else None
        phase, year, last_month = _build(src, heading, following, year, hint, last_month, skip, issued)
        if phase.year_from == "explicit" or (hint is not None and year != hint.year):
            # Later phases without a year continue this one's (also when it ran into the next year).
            hint = YearHint(year, "previous_phase")
        phases.append(phase)
    fill_open_ends(phases)
    return phases


def _headings(src: Source, region: Region, in_phase_section: bool, skip: set[int]) -> list[_Heading]:
    numbered = [ln.level for ln in region.content if ln.level and ln is not region.heading]
    first_level = min(numbered) if numbered else None
    found = []
    for line in region.content:
        if line is region.heading or line.index in skip:
            continue
        heading = _read_heading(src, line, in_phase_section and line.level == first_level)
        if heading:
            found.append(heading)
    return found


def _dated_at_once(src: Source, h: _Heading) -> bool:
    """A short name, then its dates in parentheses or after a colon, on the heading's own line:
    “（一）动员部署（2024年3月）”, not “（一）力争到2025年底，全面完成…”."""
    if h.raw is None or not h.line.start <= h.raw.span[0] < h.line.end:
        return False
    return bool(_NAME_THEN_DATE.fullmatch(src.folded, h.line.body_start, h.raw.span[0]))


def fill_open_ends(phases: list[Phase]) -> None:
    """A phase written with only a deadline (“2月底前”) starts the day after the previous
    phase ends; one written with only a start (“12月起”) ends the day before the next starts."""
    for before, after in zip(phases, phases[1:]):
        if after.start is None and after.end and before.end and before.end < after.end:
            after.start = before.end + timedelta(days=1)
            after.date_reasoning, after.date_reasoning_en = _also(
                after, f"未写开始日期，取上一阶段结束的次日（{after.start.month}月{after.start.day}日）",
                f"no start written: the day after the previous phase ends ({after.start.isoformat()})")
        if before.end is None and before.start and after.start and before.start < after.start:
            before.end = after.start - timedelta(days=1)
            before.date_reasoning, before.date_reasoning_en = _also(
                before, f"未写结束日期，取下一阶段开始的前一天（{before.end.month}月{before.end.day}日）",
                f"no end written: the day before the next phase starts ({before.end.isoformat()})")


def _also(phase: Phase, zh: str, en: str) -> tuple[str, str]:
    return ("；".join(filter(None, [phase.date_reasoning, zh])),
            "; ".join(filter(None, [phase.date_reasoning_en, en])))


def _read_heading(src: Source, line: Line, date_alone_is_enough: bool) -> _Heading | None:
    body = line.folded_body
    offset = line.body_start
    word = _PHASE_WORD.search(body[:30])
    if word and _NOT_A_PHASE.search(body[: word.end() + 2]):
        word = None
    if word and re.search(r"[,。;]", body[: word.start()]):
        word = None  # “…，分三个阶段开展” is a sentence, not a heading
    if not word and not date_alone_is_enough:
        return None
    if not word and not line.style:
        return None
    anchor = word.end() if word else 0
    # The date follows the name: “宣传发动阶段（8月底—9月上旬）”, “学习调研阶段。（6月中旬—7月底）”,
    # “第一阶段：动员部署（3月上旬）”, or on the next line.
    ranges = [r for r in find_ranges(src.folded, offset + anchor, offset + min(len(body), anchor + 40))]
    raw = ranges[0] if ranges else None
    if raw is None and word:
        raw = _date_on_next_line(src, line)
    if raw is None and not word:
        return None
    on_line = raw is not None and line.start <= raw.span[0] < line.end
    name_end = offset + (word.end() if word else 0)
    if word and on_line:
        name_end = max(name_end, raw.span[0])
    name = _name(src, line, word, raw if on_line else None).strip().rstrip("（(：:。. ")
    if not name:
        return None
    number = line.number
    m = _ORDINAL_PHASE.match(name)
    if m:
        number = to_int(m.group(1))
    date_span = (raw.span[0], raw.span[1]) if raw else None
    if date_span:
        date_span = _trim(src.text, date_span)
    body_start = max(name_end, date_span[1] if date_span and date_span[0] < line.end else name_end)
    tail = re.match(r"[\s)]*[。.:;]?\s*", src.folded[body_start:line.end])
    body_start += tail.end() if tail else 0
    if not line.style and raw is None and not name.startswith("第"):
        return None  # an unnumbered “活动阶段” without a date is a table cell or a phrase
    return _Heading(line, name, raw, date_span, body_start, number)


def _name(src: Source, line: Line, word: re.Match[str] | None, raw: RawRange | None) -> str:
    """The phase's name; ``raw``: its dates when they stand on the heading's own line."""
    offset = line.body_start
    if word is None:  # named by its work: “深入查摆，剖析根源（3月中旬——4月下旬）”
        return re.split(r"[(（。；;:：]", src.text[offset:line.end])[0]
    if _ORDINAL_PHASE.fullmatch(word.group()):
        own = _ORDINAL_NAME.match(src.folded, offset + word.end(), raw.span[0] if raw else line.end)
        if own:  # “第一阶段：动员部署（3月中旬）”, “第一阶段 宣传发动”
            return src.text[offset:own.end()]
        after = _NAME_AFTER_DATE.match(src.folded, raw.span[1], line.end) if raw else None
        if after:
            return f"{src.text[offset:offset + word.end()]}：{src.text[after.start(1):after.end(1)]}"
    end = max(offset + word.end(), raw.span[0]) if raw else offset + word.end()
    return re.split(r"[。；;:：]", src.text[offset:end])[0]


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    a, b = span
    while a < b and text[a] in " \n（(":
        a += 1
    while b > a and text[b - 1] in " \n）)":
        b -= 1
    return a, b


def _date_on_next_line(src: Source, line: Line) -> RawRange | None:
    nxt = _next_content(src, line)
    if nxt is None or nxt.style:
        return None
    lead = _DATE_LINE.match(nxt.folded)
    at = nxt.start + (lead.end() if lead else 0)
    found = find_ranges(src.folded, at, min(nxt.end, at + 40))
    return found[0] if found and found[0].span[0] == at else None


def _next_content(src: Source, line: Line) -> Line | None:
    for other in src.lines[line.index + 1: line.index + 4]:
        if other.text and not other.noise:
            return other
    return None


def _context_year(
    src: Source, regions: list[Region], first: _Heading, hints: list[YearHint]
) -> tuple[int | None, YearHint | None]:
    # Years written in the section's opening (“从2019年1月开始到2019年9月底，分四个阶段”).
    region = next((r for r in regions if r.start <= first.line.start and first.line in r.lines), None)
    if region is not None:
        years = years_in(src.folded, region.start, first.line.start)
        if years:
            return years[0], YearHint(years[0], "section", f"{years[0]}年")
    for hint in hints:
        if hint.year and hint.origin != "campaign":
            return hint.year, hint
    years = Counter(years_in(src.folded))
    if years:
        year = years.most_common(1)[0][0]
        return year, YearHint(year, "text")
    # Last: the year of the campaign a derived plan follows.
    return next(((h.year, h) for h in hints if h.year), (None, None))


def _build(
    src: Source, h: _Heading, following: Line | None, year: int | None, hint: YearHint | None,
    last_month: int | None, skip: set[int], issued: date | None,
) -> tuple[Phase, int | None, int | None]:
    start = end = None
    origin = hint.origin if hint else None
    why = Why()
    if h.raw is not None:
        first_month, last = h.raw.month_bounds()
        reading = (origin, year, hint.evidence if hint else None)
        if h.raw.explicit_year:
            year, origin = h.raw.explicit_year, "explicit"
            reading = (origin, year, None)
        elif year is not None and last_month and first_month and first_month < last_month:
            year, origin = year + 1, "previous_phase"  # the campaign ran into the next year
            reading = ("next_year", year, None)
        resolved = resolve(h.raw, year)
        start, end = resolved.start, resolved.end
        if h.raw.start.part == "即日" and issued is not None and end is not None and issued <= end:
            start = issued
            why.add(*issue_day(issued))
        if start or end:
            why.extend(resolved.why)
            why.extend(year_why(h.raw, *reading))
            if not why.zh:
                why.add("日期照原文", "dates as written")
        last_month = (end or start).month if (end or start) else last_month
        year = (end or start).year if (end or start) else year
    lines = _phase_lines(src, h, following, skip)
    end_offset = lines[-1].end if lines else h.line.end
    own_text = src.text[h.body_start:end_offset]
    description, units, tasks = _tasks(src, h, lines)
    src.use(h.line, *lines)
    confidence = {"explicit": 0.95, "section": 0.9, "previous_phase": 0.85, "document_date": 0.8,
                  "document_number": 0.75, "phases": 0.75, "text": 0.5, "campaign": 0.6}.get(origin or "", 0.3)
    if h.raw is None:
        confidence = 0.4
    phase = Phase(
        number=h.number,
        name=h.name,
        date_text=src.text[h.date_span[0]:h.date_span[1]] if h.date_span else None,
        start=start,
        end=end,
        year_from=origin if start or end else None,
        date_reasoning=why.text,
        date_reasoning_en=why.text_en,
        description=description.strip() or own_text.strip(),
        responsible_units=units,
        tasks=tasks,
        span=(h.line.start, end_offset),
        source=src.text[h.line.start:end_offset],
        confidence=confidence if (start or end) else min(confidence, 0.4),
    )
    return phase, year, last_month


def _phase_lines(src: Source, h: _Heading, following: Line | None, skip: set[int]) -> list[Line]:
    """Lines after the heading up to the next phase or the next heading of the same level."""
    lines = []
    for line in src.lines[h.line.index + 1:]:
        if following is not None and line.index >= following.index:
            break
        if line.noise or not line.text:
            continue
        if line.style == "cn" or (h.line.level and line.level and line.level <= h.line.level):
            break
        if line.folded.startswith("附件") or line.index in skip:
            break  # attachments and the schedule table are not part of the phase
        lines.append(line)
    return lines


def _tasks(src: Source, h: _Heading, lines: list[Line]) -> tuple[str, list[str], list[Task]]:
    """Description, the phase's trailing units and its tasks."""
    segments = [(h.body_start, h.line.end)] + [(ln.start, ln.end) for ln in lines]
    # Units after the phase's last full stop apply to the whole phase.
    phase_units: list[str] = []
    last_a, last_b = segments[-1]
    found = trailing_units(src.folded[last_a:last_b])
    if found and src.folded[last_a:last_a + found[1]].rstrip().endswith(("。", ".", ";")):
        phase_units = found[0]
        segments[-1] = (last_a, last_a + found[1])
    if found and found[1] == 0:
        phase_units = found[0]
        segments[-1] = (last_a, last_a)

    tasks: list[Task] = []
    description_parts: list[str] = []
    for a, b in segments:
        line = next((ln for ln in lines if ln.start == a), None)
        if line is not None and line.style in ("arabic", "parabic", "circled"):
            tasks.append(_task(src, len(tasks) + 1, line.body_start, b, phase_units))
            continue
        marks = list(_TASK_MARK.finditer(src.folded, a, b))
        if not marks:
            description_parts.append(src.text[a:b].strip())
            continue
        description_parts.append(src.text[a:marks[0].start()].strip())
        for i, mark in enumerate(marks):
            t_end = marks[i + 1].start() if i + 1 < len(marks) else b
            ordinal = to_int(mark.group(1)) or len(tasks) + 1
            tasks.append(_task(src, ordinal, mark.start(), t_end, phase_units, mark.end()))
    description = "\n".join(p for p in description_parts if p)
    return description, phase_units, tasks


def _task(src: Source, ordinal: int, a: int, b: int, phase_units: list[str], text_start: int | None = None) -> Task:
    while b > a and src.text[b - 1] in " \n":
        b -= 1
    text_start = text_start or a
    folded = src.folded[text_start:b]
    units, units_from = list(phase_units), "phase" if phase_units else None
    found = trailing_units(folded)
    if found:
        units, units_from = found[0], "task"
        folded = folded[: found[1]]
    text = src.text[text_start: text_start + len(folded)].strip().rstrip("；;")
    title = None
    m = re.match(r"([^。:;,!?]{2,20})[。:;]", src.folded[text_start:b])
    if m:
        title = src.text[text_start: text_start + m.end(1)].strip()
    return Task(ordinal, title, text, units, units_from, (a, b), src.text[a:b])
