"""parse_plan: text of a 实施方案 → ImportedPlan. Pure and fast; never raises on odd text."""

from __future__ import annotations

from .dates import YearHint
from .header import parse_header
from .leading_group import find_leading_group
from .outline import build_sections
from .phases import find_phases
from .preamble import basis_documents, find_preamble, find_theme
from .regions import of_kind, split_regions
from .requirements import find_requirements
from .result import Field, Header, ImportedPlan, Passage, SectionText
from .schedule import find_schedule, phases_from_schedule
from .sections import goals, guiding_ideology, principles, topic_groups
from .source import Source


def parse_plan(text: str, campaign_year: int | None = None) -> ImportedPlan:
    """``campaign_year``: for a plan derived from a campaign, the year its dates fall in when
    the document itself writes no year at all (no 落款 date, no 文号, no year in the text)."""
    src = Source(text)
    front, sections = build_sections(src.lines)
    header, title_end = parse_header(src, front)

    preamble_line = find_preamble(src, front, title_end)
    preamble = (
        src.field(preamble_line.text, preamble_line.start, preamble_line.end, 0.8)
        if preamble_line else Field(None)
    )
    basis = basis_documents(src, preamble_line, header.full_title.value)
    if preamble_line is not None:
        src.use(preamble_line)

    regions = split_regions(sections)
    theme_lines = ([preamble_line] if preamble_line else []) + [
        ln for r in of_kind(regions, "topics") + of_kind(regions, "guiding") for ln in r.content
    ]
    theme = find_theme(src, theme_lines)

    year_hints = _year_hints(header) + [YearHint(campaign_year, "campaign")]
    # The schedule table first: its cells (“宣传发动阶段”) must not be read as phase headings.
    hint = next((h for h in year_hints if h.year), None)
    schedule, table_lines = find_schedule(src, hint)
    phases = find_phases(src, regions, year_hints, skip=table_lines, issued=header.issue_date.value)
    phase_year = next(((p.start or p.end).year for p in phases if p.start or p.end), None)
    if schedule and phase_year and phase_year != (hint.year if hint else None):
        # rows share the phases' year
        schedule, table_lines = find_schedule(src, YearHint(phase_year, "phases", f"{phase_year}年"))
    if not phases:
        phases = phases_from_schedule(src, schedule)
    src.used.update(table_lines)

    plan = ImportedPlan(
        text=src.text,
        header=header,
        preamble=preamble,
        basis_documents=basis,
        theme=theme,
        guiding_ideology=guiding_ideology(src, regions),
        goals=goals(src, regions),
        principles=principles(src, regions),
        topic_groups=topic_groups(src, regions),
        phases=phases,
        schedule=schedule,
        requirements=find_requirements(src, phases, table_lines),
        leading_group=find_leading_group(src, regions),
        sections=[],
        noise=[src.passage(ln.start, ln.end) for ln in src.lines if ln.noise],
        unplaced=[],
        confidence={},
    )
    _leftovers(src, plan, front, sections)
    plan.confidence = _confidence(plan)
    return plan


def _year_hints(header: Header) -> list[YearHint]:
    """Years for dates that omit theirs, strongest first: the 落款 date, then the 文号."""
    issued, number = header.issue_date, header.document_number
    hints = [
        YearHint(issued.value.year if issued.value else None, "document_date", issued.source),
        YearHint(number.value["year"] if number.value else None, "document_number", number.source),
    ]
    if issued.confidence < 0.75:
        hints.reverse()  # a web page's publication time is weaker evidence than the 文号
    return hints


def _leftovers(src: Source, plan: ImportedPlan, front, sections) -> None:
    """Every line no extractor used stays visible: in its section, or in ``unplaced``."""
    def free(lines) -> list[Passage]:
        return [src.passage(ln.start, ln.end) for ln in lines
                if ln.text and not ln.noise and ln.index not in src.used]

    plan.unplaced = free(front)
    for section in sections:
        heading = section.heading
        plan.sections.append(SectionText(
            kind=section.kind,
            heading=heading.text if heading else None,
            span=(section.start, section.end),
            free_text=free(section.lines),
        ))


def _confidence(plan: ImportedPlan) -> dict[str, float]:
    h = plan.header
    scores = {f"header.{name}": getattr(h, name).confidence
              for name in ("issuing_unit", "document_number", "issue_date", "title", "addressees")}
    scores.update({
        "preamble": plan.preamble.confidence,
        "basis_documents": 0.85 if plan.basis_documents else 0.0,
        "theme": plan.theme.confidence,
        "guiding_ideology": plan.guiding_ideology.confidence,
        "goals": plan.goals.confidence,
        "principles": 0.8 if plan.principles else 0.0,
        "topics": 0.85 if plan.topics else 0.0,
        "phases": min((p.confidence for p in plan.phases), default=0.0),
        "schedule": 0.75 if plan.schedule else 0.0,
        "requirements": 0.7 if plan.requirements else 0.0,
        "leading_group": 0.0 if plan.leading_group is None else (0.85 if plan.leading_group.members else 0.6),
    })
    return scores
