"""The activity schedule table (活动阶段 / 实施时间 / 工作内容 / 责任单位), also when flattened.

Tables reach us flattened: from Word as one tab-prefixed cell per line with a blank line after
each row (empty and merged cells are bare tabs), or from a web page as one cell per line with
empty cells gone. The first shape is read by position, the second by what each cell looks like.
"""

from __future__ import annotations

import re

from .dates import YearHint, find_ranges, resolve
from .outline import Line
from .reasoning import Why, join_readings, year_why
from .result import Phase, ScheduleRow
from .source import Source
from .units import split_units, units_in

_LABELS = [
    ("phase", ("活动阶段", "工作阶段", "实施阶段", "阶段", "步骤")),
    ("time", ("实施时间", "时间安排", "完成时间", "时间节点", "起止时间", "活动时间", "推进时间", "时间")),
    ("content", ("工作内容", "活动内容", "主要内容", "工作任务", "具体内容", "主要任务", "工作安排", "内容", "任务")),
    ("units", ("责任单位", "责任部门", "牵头单位", "负责单位", "责任科室", "承办单位", "牵头部门",
               "责任人", "参与单位", "配合单位", "实施单位")),
    ("index", ("序号",)),
    ("note", ("备注",)),
]
_CELL_SPLIT = re.compile(r"\t+|\s*\|\s*|\s{2,}")


def _label(cell: str) -> str | None:
    cell = cell.strip().strip("|").strip()
    for kind, words in _LABELS:
        if cell in words:
            return kind
    return None


def find_schedule(src: Source, hint: YearHint | None) -> tuple[list[ScheduleRow], set[int]]:
    raw_lines = src.text.split("\n")
    for i, line in enumerate(src.lines):
        if not line.text or line.noise:
            continue
        columns = _header_at(src.lines, i)
        if columns is None:
            continue
        kinds, header_end = columns
        if "time" not in kinds or not ({"content", "phase"} & set(kinds)):
            continue
        tabbed = any(raw_lines[j].startswith("\t") for j in range(header_end, min(len(raw_lines), header_end + 6)))
        if tabbed:
            rows, last = _rows_by_position(src, raw_lines, header_end, kinds)
        else:
            rows, last = _rows_by_shape(src, header_end, kinds)
        used = set(range(i, last + 1))
        return _resolve(src, rows, hint), used
    return [], set()


def _header_at(lines: list[Line], i: int) -> tuple[list[str], int] | None:
    cells = [c for c in _CELL_SPLIT.split(lines[i].text) if c.strip()]
    if len(cells) >= 3 and all(_label(c) for c in cells):
        return [_label(c) for c in cells], i + 1  # type: ignore[misc]
    kinds = []
    j = i
    while j < len(lines) and lines[j].text and _label(lines[j].text):
        kinds.append(_label(lines[j].text))
        j += 1
    return (kinds, j) if len(kinds) >= 3 else None  # type: ignore[return-value]


# A row under construction: column kind → list of (line, text) pieces.
_Row = dict[str, list[tuple[Line, str]]]


def _rows_by_position(src: Source, raw: list[str], first: int, kinds: list[str]) -> tuple[list[_Row], int]:
    rows: list[list[list[tuple[Line, str]]]] = []
    cells: list[list[tuple[Line, str]]] = []
    last = first - 1
    for j in range(first, len(raw)):
        line = src.lines[j]
        if line.noise:
            continue
        if raw[j].startswith("\t") or (raw[j].strip() == "" and raw[j].startswith((" \t",))):
            cells.append([(line, line.text)] if line.text else [])
            last = j
        elif not raw[j].strip():
            if cells:
                rows.append(cells)
                cells = []
        elif cells:
            cells[-1].append((line, line.text))  # a cell written over several lines
            last = j
        else:
            break  # text after a finished row: the table is over
    if cells:
        rows.append(cells)
    result = []
    for row_cells in rows:
        row: _Row = {}
        for kind, pieces in zip(kinds, row_cells):
            if pieces:
                row.setdefault(kind, []).extend(pieces)
        result.append(row)
    return result, last


def _shape(text: str) -> str:
    if "阶段" in text and len(text) <= 15:
        return "phase"
    folded = text.replace("—", "-")
    if len(text) <= 24 and find_ranges(folded) and find_ranges(folded)[0].span[0] <= 2:
        return "time"
    if len(text) <= 40 and units_in(text):
        return "units"
    return "content"


def _rows_by_shape(src: Source, first: int, kinds: list[str]) -> tuple[list[_Row], int]:
    rows: list[_Row] = []
    row: _Row = {}
    last = first - 1
    previous: str | None = None
    for line in src.lines[first:]:
        if line.noise or not line.text:
            continue
        if line.style == "cn" or len(line.text) > 80:
            break
        shape = _shape(line.text)
        if shape not in kinds:
            shape = "content"
        continues = shape == previous and shape in ("time", "content") and row.get(shape) and "units" not in row
        starts_row = row and not continues and (
            shape == "phase" or shape in row or (shape == "time" and "content" in row)
        )
        if starts_row:
            rows.append(row)
            row = {}
        row.setdefault(shape, []).append((line, line.text))
        previous = shape
        last = line.index
    if row:
        rows.append(row)
    return rows, last


def _resolve(src: Source, rows: list[_Row], hint: YearHint | None) -> list[ScheduleRow]:
    result: list[ScheduleRow] = []
    phase: str | None = None
    time_text: str | None = None
    last_month: int | None = None
    year = hint.year if hint else None
    reading = (hint.origin, year, hint.evidence) if hint else (None, None, None)
    # Merged cells repeat a time for several rows; each distinct time is resolved once, in order.
    resolved_times: dict[str, tuple] = {}
    for row in rows:
        pieces = [p for kind in row for p in row[kind]]
        if not pieces or "content" not in row:
            continue
        start = min(p[0].start for p in pieces)
        end = max(p[0].end for p in pieces)
        if "phase" in row:
            phase = "".join(t for _, t in row["phase"])
        if "time" in row:
            time_text = "".join(t for _, t in row["time"])
        content = "".join(t for _, t in row["content"])
        units = [u for _, t in row.get("units", []) for u in split_units(t)]
        if time_text and time_text not in resolved_times:
            resolved_times[time_text] = (None, None, Why())
            ranges = find_ranges(time_text.replace("—", "-").replace("～", "~"))
            raw = ranges[0] if ranges else None
            if raw is not None and (year or raw.explicit_year):
                month, _ = raw.month_bounds()
                if raw.explicit_year:
                    year, reading = raw.explicit_year, ("explicit", raw.explicit_year, None)
                elif last_month and month and month < last_month:
                    year += 1  # rows continue into the next year
                    reading = ("next_year", year, None)
                resolved = resolve(raw, year)
                why = Why()
                why.extend(resolved.why)
                why.extend(year_why(raw, *reading))
                resolved_times[time_text] = (resolved.start, resolved.end, why)
                if resolved.start or resolved.end:
                    last_month = (resolved.end or resolved.start).month
                    year = (resolved.end or resolved.start).year
                reading = ("previous_row", year, None)
        first_date, last_date, why = resolved_times.get(time_text or "", (None, None, Why()))
        result.append(ScheduleRow(phase, time_text, first_date, last_date, why.text, why.text_en, content, units,
                                  (start, end), src.text[start:end]))
    return result


def phases_from_schedule(src: Source, rows: list[ScheduleRow]) -> list[Phase]:
    """Phases written only as the rows of a table (阶段 | 时间安排 | 主要任务): one phase per
    run of rows under the same phase cell (a merged cell), from its first start to its last
    end, with the readings of all its rows."""
    phases: list[Phase] = []
    for row in rows:
        if not row.phase:
            continue
        if phases and phases[-1].name == row.phase:
            current = phases[-1]
            current.start = min(filter(None, [current.start, row.start]), default=None)
            current.end = max(filter(None, [current.end, row.end]), default=None)
            current.span = (current.span[0], row.span[1])
            current.source = src.text[current.span[0]:current.span[1]]
            current.description += "\n" + row.content
            current.date_reasoning = join_readings(current.date_reasoning, row.date_reasoning, "；")
            current.date_reasoning_en = join_readings(current.date_reasoning_en, row.date_reasoning_en, "; ")
            continue
        phases.append(Phase(
            number=len(phases) + 1, name=row.phase, date_text=row.time_text, start=row.start, end=row.end,
            year_from="table" if row.start or row.end else None,
            date_reasoning=row.date_reasoning, date_reasoning_en=row.date_reasoning_en,
            description=row.content, responsible_units=list(row.responsible_units), tasks=[],
            span=row.span, source=row.source, confidence=0.75 if row.start and row.end else 0.4,
        ))
    return phases
