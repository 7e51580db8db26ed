"""Why a date was read the way it was, in words a reviewer can check against the text:
Chinese first (shown in the preview), English beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dates import RawRange

# Part of a month → (Chinese reading, English reading).
PART_READINGS = {
    "上旬": ("1日至10日", "1st–10th"),
    "初": ("1日至10日", "1st–10th"),
    "中旬": ("11日至20日", "11th–20th"),
    "中": ("11日至20日", "11th–20th"),
    "下旬": ("21日至月末", "21st–end of month"),
    "底": ("21日至月末", "21st–end of month"),
    "末": ("21日至月末", "21st–end of month"),
    "上中旬": ("1日至20日", "1st–20th"),
    "中下旬": ("11日至月末", "11th–end of month"),
    "年底": ("12月21日至12月31日", "21–31 December"),
    "年末": ("12月21日至12月31日", "21–31 December"),
    "年初": ("1月1日至1月10日", "1–10 January"),
    "年中": ("6月1日至7月31日", "1 June–31 July"),
    "月底": ("21日至月末", "21st–end of month"),
    "月末": ("21日至月末", "21st–end of month"),
    "月初": ("1日至10日", "1st–10th"),
    "上半年": ("1月1日至6月30日", "1 January–30 June"),
    "下半年": ("7月1日至12月31日", "1 July–31 December"),
    "第一季度": ("1月1日至3月31日", "1 January–31 March"),
    "第二季度": ("4月1日至6月30日", "1 April–30 June"),
    "第三季度": ("7月1日至9月30日", "1 July–30 September"),
    "第四季度": ("10月1日至12月31日", "1 October–31 December"),
}


@dataclass
class Why:
    zh: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)

    def add(self, zh: str, en: str) -> None:
        if zh not in self.zh:
            self.zh.append(zh)
            self.en.append(en)

    def extend(self, other: Why) -> None:
        for zh, en in zip(other.zh, other.en):
            self.add(zh, en)

    @property
    def text(self) -> str | None:
        return "；".join(self.zh) or None

    @property
    def text_en(self) -> str | None:
        return "; ".join(self.en) or None


def part_reading(part: str, month: int | None, end: date | None) -> tuple[str, str]:
    """``end``: the date the part ends on, spelled out when it is a month's last day."""
    zh, en = PART_READINGS[part]
    where = f"{month}月" if month else ""
    if end is not None and "月末" in zh:
        zh, en = f"{zh}（{end.month}月{end.day}日）", f"{en} ({end.isoformat()})"
    return f"{where}{part} → {zh}", f"{part} → {en}"


def month_reading(month: int, at: date, role: str) -> tuple[str, str]:
    """A month without a day: from its first day, to its last day, or the whole month."""
    if role == "start":
        return f"{month}月 → 自{month}月1日起", f"month {month} → from its 1st"
    if role == "end":
        return f"{month}月 → 至{month}月{at.day}日", f"month {month} → to its last day ({at.isoformat()})"
    return (f"{month}月 → 整月（{month}月1日至{at.day}日）",
            f"month {month} → the whole month (to {at.isoformat()})")


def leap_day(year: int) -> tuple[str, str]:
    return f"{year}年是闰年，2月末为29日", f"{year} is a leap year: February ends on the 29th"


def year_reading(origin: str | None, year: int, evidence: str | None = None) -> tuple[str, str]:
    """How the year of a range that does not write one was chosen."""
    said = f"“{evidence}”" if evidence else f"{year}年"
    return {
        "explicit": (f"年份见原文（{year}年）", f"year as written ({year})"),
        "section": (f"年份取自本节开头{said}", f"year from the section's opening ({year})"),
        "document_date": (f"年份取自发文日期{said}", f"year from the document's date ({year})"),
        "document_number": (f"年份取自文号{said}", f"year from the document number ({year})"),
        "previous_phase": (f"年份承接上一阶段（{year}年）", f"year continues the previous phase's ({year})"),
        "next_year": (f"月份早于上一阶段，跨入下一年（{year}年）",
                      f"month earlier than the previous phase's: the next year ({year})"),
        "previous_row": (f"年份承接上一行（{year}年）", f"year continues the previous row's ({year})"),
        "text": (f"年份取自正文中最常出现的年份（{year}年）", f"year most often written in the text ({year})"),
        "campaign": (f"原文未写年份，取上级活动方案的年份（{year}年）",
                     f"no year in the document: the parent campaign's ({year})"),
    }.get(origin or "", (f"年份取{year}年", f"year {year}"))


def year_why(raw: RawRange, origin: str | None, year: int | None, evidence: str | None) -> Why:
    """The year part of a range's reasoning: nothing to say when every point writes its
    year (then “dates as written” if nothing else was derived)."""
    why = Why()
    if raw.start.year and (raw.end is None or raw.end.year):
        return why
    if year is not None:
        why.add(*year_reading(origin, year, evidence))
    return why


def issue_day(issued: date) -> tuple[str, str]:
    return (f"“即日起” → 自发文日期{issued.year}年{issued.month}月{issued.day}日起",
            f"“即日起”: from the document's date ({issued.isoformat()})")


def join_readings(first: str | None, second: str | None, separator: str) -> str | None:
    """Two readings as one, each part once (rows of one phase share their year's reading)."""
    parts = [p for text in (first, second) if text for p in text.split(separator)]
    return separator.join(dict.fromkeys(parts)) or None
