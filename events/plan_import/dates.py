"""Date expressions of plans (“8月底—9月上旬”, “2018年5月至2018年底”) → concrete dates.

Everything here works on folded text (dashes are '-', tildes '~'). A range is parsed first into
raw points; the year is resolved afterwards from context, because most phase headings omit it.
Conventions: 上旬/初 = 1–10, 中旬 = 11–20, 下旬 = 21–end, 底/末 = 21–end, a bare month is the
whole month; an end point earlier in the year than its start belongs to the next year. Every
resolved range says how it was read (``Resolved.why``), so a reviewer can check it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from .numerals import to_int, year_to_int
from .reasoning import Why, leap_day, month_reading, part_reading

_Y = r"(?:(?:19|20)\d{2}|二[〇零][一二三四五六七八九〇零]{2})"
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_PART = r"(?:上中旬|中下旬|上旬|中旬|下旬|初|中|底|末)"
# “从4月6日开始，到4月20日结束”, “自10月9日起至10月20日止”, “3月—4月”, “11月至次年2月”.
_SEP = r"\s*(?:(?:开始|起)?\s*,?\s*(?:至|到)|-{1,2}|~)\s*(?:次年|翌年|来年|第二年)?\s*"

# One point in time. Named groups are used when re-reading a point found inside a range.
_POINT = (
    rf"(?:(?P<y>{_Y})\s*年\s*)?(?P<m>{_M})(?:\s*月份?\s*(?:(?P<d>{_D})\s*[日号]|(?P<p>{_PART}))?"
    rf"|(?={_SEP}{_M}\s*月))"  # the first month of a month range (“4—6月”) omits its 月
    rf"|(?P<y2>{_Y})\s*年\s*(?P<yp>底|初|末|中)"
    rf"|(?:(?P<y5>{_Y})\s*年\s*)?(?P<period>上半年|下半年|第?\s*[一二三四1-4]\s*季度)"
    rf"|(?P<rel>年底|年初|年末|月底|月初|月末|即日)"  # 即日: the day the document is issued
)
# End points may leave out the month (“3月5日-10日”, “5月上旬至中旬”).
_END_ONLY = rf"|(?P<d3>{_D})\s*[日号]|(?P<p3>上中旬|中下旬|上旬|中旬|下旬)"
_POINT_RE = re.compile(_POINT + _END_ONLY)
_POINT_ANON = re.sub(r"\(\?P<\w+>", "(?:", _POINT)
_END_ANON = re.sub(r"\(\?P<\w+>", "(?:", _POINT + _END_ONLY)
RANGE_RE = re.compile(
    rf"(?:(?:{_POINT_ANON})(?:{_SEP}(?:{_END_ANON}))?)(?P<suffix>\s*(?:以前|之前|前|以后|之后|起))?"
)
YEAR_RE = re.compile(rf"({_Y})\s*年(?!代)")
FULL_DATE_RE = re.compile(
    rf"(?P<y>{_Y})\s*年\s*(?P<m>{_M})\s*月\s*(?P<d>{_D})\s*日"
    r"|(?P<y4>(?:19|20)\d{2})[-./](?P<m4>1[0-2]|0?[1-9])[-./](?P<d4>3[01]|[12]\d|0?[1-9])(?!\d)"
)

# Parts of a year → (first month, first day), (last month, last day).
PERIODS = {
    "年初": ((1, 1), (1, 10)), "年中": ((6, 1), (7, 31)), "年底": ((12, 21), (12, 31)), "年末": ((12, 21), (12, 31)),
    "上半年": ((1, 1), (6, 30)), "下半年": ((7, 1), (12, 31)),
    "第一季度": ((1, 1), (3, 31)), "第二季度": ((4, 1), (6, 30)), "第三季度": ((7, 1), (9, 30)),
    "第四季度": ((10, 1), (12, 31)),
}
_QUARTER = {"1": "一", "2": "二", "3": "三", "4": "四"}
_START_DAY = {"上旬": 1, "初": 1, "上中旬": 1, "中旬": 11, "中": 11, "中下旬": 11, "下旬": 21,
              "底": 21, "末": 21}
_END_DAY = {"上旬": 10, "初": 10, "中旬": 20, "中": 20, "上中旬": 20}  # others: end of month


@dataclass(frozen=True)
class Point:
    year: int | None
    month: int | None
    day: int | None
    part: str | None  # 上旬, 底, … or a relative word such as 年底


@dataclass(frozen=True)
class RawRange:
    start: Point
    end: Point | None  # None: a single point such as “9月” or “3月以前”
    suffix: str | None
    span: tuple[int, int]

    @property
    def explicit_year(self) -> int | None:
        return self.start.year or (self.end.year if self.end else None)

    def month_bounds(self) -> tuple[int | None, int | None]:
        first = self.start.month or (PERIODS[self.start.part][0][0] if self.start.part in PERIODS else None)
        last = (self.end.month if self.end else None) or first
        if self.end and self.end.part in PERIODS:
            last = PERIODS[self.end.part][1][0]
        elif self.end is None and self.start.part in PERIODS:
            last = PERIODS[self.start.part][1][0]
        return first, last


@dataclass(frozen=True)
class YearHint:
    """A year a range without one may take, where it was read, and the words that show it."""

    year: int | None
    origin: str  # section | document_date | document_number | phases | text
    evidence: str | None = None  # e.g. the 文号 “临教发〔2024〕12号”


@dataclass(frozen=True)
class Resolved:
    start: date | None
    end: date | None
    why: Why = field(default_factory=Why)  # how the words of the text became these dates


def find_ranges(folded: str, start: int = 0, end: int | None = None) -> list[RawRange]:
    found = []
    for match in RANGE_RE.finditer(folded, start, len(folded) if end is None else end):
        raw = _read_range(match)
        if raw is not None:
            found.append(raw)
    return found


def _read_range(match: re.Match[str]) -> RawRange | None:
    suffix = match.group("suffix")
    body_end = match.start("suffix") if suffix else match.end()
    points = [p for p in _POINT_RE.finditer(match.string, match.start(), body_end)]
    if not points:
        return None
    first = _point(points[0])
    if first.month is None and first.part not in PERIODS and first.part != "即日":
        return None  # a range never starts with a bare day or 中旬
    second = _point(points[1]) if len(points) > 1 else None
    return RawRange(first, second, suffix.strip() if suffix else None, (match.start(), match.end()))


def _point(m: re.Match[str]) -> Point:
    g = m.groupdict()
    year = year_to_int(g["y"] or g["y2"] or "") if (g["y"] or g["y2"]) else None
    if g["m"]:
        return Point(year, to_int(g["m"]), to_int(g["d"]) if g["d"] else None, g["p"])
    if g["yp"]:
        return Point(year, None, None, "年" + g["yp"])
    if g["period"]:
        period = re.sub(r"\s", "", g["period"])
        if period.endswith("季度"):  # “二季度”, “第2季度” → “第二季度”
            period = f"第{_QUARTER.get(period[-3], period[-3])}季度"
        return Point(year_to_int(g["y5"]) if g["y5"] else None, None, None, period)
    if g["rel"]:
        return Point(None, None, None, g["rel"])
    if g["d3"]:
        return Point(None, None, to_int(g["d3"]), None)
    return Point(None, None, None, g["p3"])


def resolve(raw: RawRange, context_year: int | None) -> Resolved:
    """Concrete dates for a range; ``context_year`` fills in a missing year. The caller
    adds why that year was chosen; ``why`` here says how the month parts were read."""
    year = raw.start.year or context_year
    if year is None:
        return Resolved(None, None)
    if raw.start.part == "即日":
        return _from_issue_day(raw, year)
    start_month, start_day = _start_of(raw.start)
    if start_month is None:
        return Resolved(None, None)
    why = Why()
    start = _safe_date(year, start_month, start_day)
    if raw.end is not None:
        _explain(why, raw.start, start, "start")
    else:
        _explain(why, raw.start, _safe_date(year, *_end_of(raw.start, start_month)), "both")

    if raw.end is None:
        end_month, end_day = _end_of(raw.start, start_month)
        end = _safe_date(year, end_month, end_day)
        if raw.suffix in ("以前", "之前", "前"):
            # “9月底前” is a deadline at the end of 9月底; “3月以前” ends before March.
            if raw.start.day is None and raw.start.part is None:
                end = date.fromordinal(start.toordinal() - 1)
                why = Why()  # the month itself is not part of the range
                why.add(f"“{raw.suffix}” → 截至{end.month}月{end.day}日，未写开始日期",
                        f"“{raw.suffix}”: ends {end.isoformat()}, no start written")
            else:
                why.add(f"“{raw.suffix}” → 截止日期，未写开始日期", f"“{raw.suffix}”: a deadline, no start written")
            _explain_end(why, raw.start, end)
            return Resolved(None, end, why)
        if raw.suffix in ("以后", "之后", "起"):
            why.add(f"“{raw.suffix}” → 只写了开始日期", f"“{raw.suffix}”: only the start is written")
            return Resolved(start, None, why)
        _explain_end(why, raw.start, end)
        return Resolved(start, end, why)

    end_year = raw.end.year or year
    end_month, end_day = _end_of(raw.end, start_month)
    if raw.end.month is None and raw.end.part not in PERIODS:
        why.add(f"结束处未写月份，沿用{start_month}月", f"the end omits its month: month {start_month}")
    if raw.end.year is None and end_month < start_month:
        end_year += 1  # “11月至次年2月” written without the year
        why.add(f"结束月份早于开始月份，结束日期在次年（{end_year}年）",
                f"the end month is before the start month: the end is in {end_year}")
    end = _safe_date(end_year, end_month, end_day)
    _explain(why, raw.end, end, "end")
    _explain_end(why, raw.end, end)
    return Resolved(start, end, why)


def _explain(why: Why, p: Point, at: date, role: str) -> None:
    """``role``: "start", "end" or "both" (a single point such as “9月” or “3月中旬”)."""
    if p.day is not None:
        return  # a day as written needs no reading
    if p.part:
        why.add(*part_reading(p.part, p.month, at if role != "start" else None))
    elif p.month is not None:
        why.add(*month_reading(p.month, at, role))


def _explain_end(why: Why, p: Point, end: date) -> None:
    """A month end that depends on the year (“2月底” of a leap year) is spelled out."""
    if p.day is None and p.month == 2 and end.month == 2 and end.day == 29:
        why.add(*leap_day(end.year))


def _from_issue_day(raw: RawRange, year: int) -> Resolved:
    """“即日起至3月15日”: the end as written; the start is the document's date, which the
    caller knows (``Resolved.start`` stays None)."""
    why = Why()
    if raw.end is None:
        return Resolved(None, None, why)
    end_month, end_day = _end_of(raw.end, 1)
    end = _safe_date(raw.end.year or year, end_month, end_day)
    _explain(why, raw.end, end, "end")
    return Resolved(None, end, why)


def _start_of(p: Point) -> tuple[int | None, int]:
    if p.part in PERIODS:
        return PERIODS[p.part][0]
    if p.month is None:
        return None, 1
    return p.month, p.day or _START_DAY.get(p.part or "", 1)


def _end_of(p: Point, fallback_month: int) -> tuple[int, int]:
    if p.part in PERIODS:
        return PERIODS[p.part][1]
    month = p.month or fallback_month
    if p.day:
        return month, p.day
    if p.part in _END_DAY:
        return month, _END_DAY[p.part]
    return month, 31  # clamped to the month's last day


def _safe_date(year: int, month: int, day: int) -> date:
    month = min(max(month, 1), 12)
    return date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))


def parse_full_date(folded: str, start: int = 0, end: int | None = None) -> tuple[date, tuple[int, int]] | None:
    """First complete date (2019年3月5日, 二〇一九年三月五日, 2019-03-05) in the window."""
    for m in FULL_DATE_RE.finditer(folded, start, len(folded) if end is None else end):
        if m.group("y"):
            y, mo, d = year_to_int(m.group("y")), to_int(m.group("m")), to_int(m.group("d"))
        else:
            y, mo, d = int(m.group("y4")), int(m.group("m4")), int(m.group("d4"))
        try:
            return date(y, mo, d), m.span()
        except (TypeError, ValueError):
            continue
    return None


def years_in(folded: str, start: int = 0, end: int | None = None) -> list[int]:
    years = []
    for m in YEAR_RE.finditer(folded, start, len(folded) if end is None else end):
        value = year_to_int(m.group(1))
        if value and 1990 <= value <= 2100:
            years.append(value)
    return years
