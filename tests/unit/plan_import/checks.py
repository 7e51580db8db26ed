"""Assertions shared by the tests of the shipped plans and of the real seed plans."""

from __future__ import annotations

from datetime import date

from taolun.events.plan_import import ImportedPlan


def phase_table(plan: ImportedPlan) -> list[tuple[str, date | None, date | None]]:
    return [(p.name, p.start, p.end) for p in plan.phases]


def assert_spans_point_at_sources(plan: ImportedPlan) -> None:
    fields = [plan.header.issuing_unit, plan.header.document_number, plan.header.issue_date,
              plan.header.title, plan.theme, plan.guiding_ideology]
    for f in fields:
        if f.span is not None:
            assert plan.text[f.span[0]:f.span[1]] == f.source
    for item in [*plan.phases, *plan.topics, *plan.requirements, *plan.basis_documents, *plan.schedule]:
        assert plan.text[item.span[0]:item.span[1]] == item.source


def assert_nothing_is_dropped(plan: ImportedPlan) -> None:
    """Every line is structured, free text of its section, or unplaced."""
    kept = [p.text for s in plan.sections for p in s.free_text] + [p.text for p in plan.unplaced]
    assert all(t.strip() for t in kept)
    for s in plan.sections:
        assert all(s.span[0] <= p.span[0] and p.span[1] <= s.span[1] for p in s.free_text)
