"""The structured draft an editor starts from: every value with its source span and confidence."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from typing import Any

Span = tuple[int, int]


@dataclass
class Field:
    """One extracted value, where it came from in ``ImportedPlan.text``, and how sure we are."""

    value: Any
    span: Span | None = None
    source: str | None = None  # the snippet text[span[0]:span[1]]
    confidence: float = 0.0


@dataclass
class Passage:
    """A piece of text kept as written, e.g. a paragraph nothing structured could be made of."""

    text: str
    span: Span


@dataclass
class Header:
    issuing_unit: Field = field(default_factory=lambda: Field(None))
    document_number: Field = field(default_factory=lambda: Field(None))  # value: dict
    issue_date: Field = field(default_factory=lambda: Field(None))
    title: Field = field(default_factory=lambda: Field(None))
    full_title: Field = field(default_factory=lambda: Field(None))
    addressees: Field = field(default_factory=lambda: Field(None))  # value: list[str]


@dataclass
class BasisDocument:
    title: str
    document_number: str | None
    issuer: str | None
    span: Span
    source: str


@dataclass
class Principle:
    number: int | None
    title: str | None
    text: str
    span: Span
    source: str


@dataclass
class Topic:
    number: int | None
    text: str
    span: Span
    source: str


@dataclass
class TopicGroup:
    number: int | None
    title: str | None
    topics: list[Topic]
    span: Span | None
    source: str | None


@dataclass
class Task:
    ordinal: int
    title: str | None
    text: str
    responsible_units: list[str]
    units_from: str | None  # "task": named after the task; "phase": the phase's trailing list
    span: Span
    source: str


@dataclass
class Phase:
    number: int | None
    name: str
    date_text: str | None  # as written, e.g. “8月底—9月上旬”
    start: date | None
    end: date | None
    # explicit | section | document_date | document_number | previous_phase | text | campaign | table
    year_from: str | None
    # How the dates were derived from the text, for a reviewer to check, e.g.
    # “3月中旬 → 11日至20日；4月下旬 → 21日至月末（4月30日）；年份取自文号“临教发〔2024〕12号””.
    date_reasoning: str | None
    date_reasoning_en: str | None
    description: str
    responsible_units: list[str]
    tasks: list[Task]
    span: Span
    source: str
    confidence: float


@dataclass
class ScheduleRow:
    phase: str | None
    time_text: str | None
    start: date | None
    end: date | None
    date_reasoning: str | None
    date_reasoning_en: str | None
    content: str
    responsible_units: list[str]
    span: Span
    source: str


@dataclass
class Requirement:
    activity_kind: str
    metric: str  # count | days | hours
    minimum: int
    period: str | None  # 每月, 全年, 活动期间 …
    scope: str  # the clause the rule was read from
    phase: str | None
    span: Span
    source: str


@dataclass
class LeadingGroup:
    name: str | None
    leaders: list[str]
    deputy_leaders: list[str]
    members: list[str]
    members_note: str | None
    office: dict[str, Any] | None  # {"location", "director", "span", "source"}
    span: Span
    source: str


@dataclass
class SectionText:
    kind: str
    heading: str | None
    span: Span
    free_text: list[Passage]


@dataclass
class ImportedPlan:
    text: str
    header: Header
    preamble: Field  # the opening paragraph (根据…，结合…，制定本方案)
    basis_documents: list[BasisDocument]
    theme: Field
    guiding_ideology: Field
    goals: Field
    principles: list[Principle]
    topic_groups: list[TopicGroup]
    phases: list[Phase]
    schedule: list[ScheduleRow]
    requirements: list[Requirement]
    leading_group: LeadingGroup | None
    sections: list[SectionText]
    noise: list[Passage]
    unplaced: list[Passage]
    confidence: dict[str, float]

    @property
    def topics(self) -> list[Topic]:
        return [t for g in self.topic_groups for t in g.topics]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: dates as ISO strings, spans as [start, end]."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
