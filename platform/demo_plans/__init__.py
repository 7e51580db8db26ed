"""The demo city's campaign: three 实施方案 written for the project (a city bureau's campaign,
a district's and a school's plan derived from it), kept as templates whose dates are placed
relative to "today", so that the demo always shows a campaign in full swing: the first phase
ended a week ago, the second runs now, two more follow.

``render(name, today)`` answers the document's bytes as a bureau would upload it (the
school's in GB18030, as its word processor saves plain text); ``taolun demo`` imports them
through the importer. Dates are written in full (``2026年10月20日至11月16日``; the year again
only when a range crosses a year end), the form every plan importer must read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from string import Template

FOLDER = Path(__file__).resolve().parent
PHASE_NAMES = ("宣传发动阶段", "学习讨论阶段", "查摆整改阶段", "总结提升阶段")


@dataclass(frozen=True)
class Document:
    filename: str  # the name it is imported under (tells the importer its type)
    template: str
    encoding: str
    issued: int  # days before today the document is dated (发文日期)
    phases: tuple[tuple[int, int], ...]  # (first, last) day of each phase, relative to today
    separator: str  # between the two dates of a phase


# The district and the school narrow every phase of the plan above them (inside its dates).
CITY = Document("扬州市教育局大讨论活动实施方案.txt", "city-campaign.txt", "utf-8", -38,
                ((-35, -8), (-7, 20), (21, 48), (49, 62)), "至")
DISTRICT = Document("邗江区教育局大讨论活动实施方案.txt", "district-plan.txt", "utf-8", -34,
                    ((-33, -8), (-7, 18), (21, 46), (49, 60)), "—")
SCHOOL = Document("邗江中学大讨论活动实施方案.txt", "school-plan.txt", "gb18030", -30,
                  ((-31, -8), (-7, 16), (21, 44), (49, 58)), "至")
DOCUMENTS = (CITY, DISTRICT, SCHOOL)
# The city asks for the units' plans by this day (the campaign's derive deadline).
PLANS_DUE = -21


def full_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_range(first: date, last: date, separator: str = "至") -> str:
    """``2026年10月20日至11月16日``; across a year end both dates carry their year."""
    end = full_date(last) if last.year != first.year else f"{last.month}月{last.day}日"
    return f"{full_date(first)}{separator}{end}"


def phase_dates(document: Document, today: date) -> list[tuple[str, date, date]]:
    """The document's phases as (name, first day, last day) for ``today``."""
    return [(name, today + timedelta(days=a), today + timedelta(days=b))
            for name, (a, b) in zip(PHASE_NAMES, document.phases)]


def issued_on(document: Document, today: date) -> date:
    return today + timedelta(days=document.issued)


def render(document: Document, today: date) -> bytes:
    """The document as it stands for ``today``, encoded as it is uploaded."""
    phases = phase_dates(document, today)
    values = {
        "YEAR": issued_on(document, today).year,
        "CITY_YEAR": issued_on(CITY, today).year,
        "DISTRICT_YEAR": issued_on(DISTRICT, today).year,
        "ISSUED": full_date(issued_on(document, today)),
        "BEGIN": full_date(phases[0][1]),
        "FINISH": full_date(phases[-1][2]),
        "PLAN_DUE": full_date(today + timedelta(days=PLANS_DUE)),
        **{f"P{i}": date_range(first, last, document.separator)
           for i, (_, first, last) in enumerate(phases, start=1)},
    }
    text = Template((FOLDER / document.template).read_text("utf-8")).substitute(values)
    return text.encode(document.encoding)
