"""Every event the write side defines is handled by each projection or ignored by it on
purpose: a new event without a handler fails here instead of being silently dropped."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate

from taolun.platform.runtime import build_projections
from taolun.projections.runner import topics_of

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = {"events": "taolun.events", "tenants": "taolun.tenants"}


def defined_events() -> dict[type, type]:
    """Event class -> its aggregate, for every ``@event("Name")`` of every aggregate in the
    domain packages (read from the source, so an event nobody handles is still found)."""
    found: dict[type, type] = {}
    for folder, package in DOMAIN.items():
        for source in sorted((ROOT / folder).rglob("*.py")):
            module_name = ".".join([package, *source.relative_to(ROOT / folder).with_suffix("").parts])
            module_name = module_name.removesuffix(".__init__")
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in tree.body:
                if not isinstance(node, ast.ClassDef):
                    continue
                names = [
                    d.args[0].value
                    for f in node.body if isinstance(f, ast.FunctionDef)
                    for d in f.decorator_list
                    if isinstance(d, ast.Call) and getattr(d.func, "id", None) == "event"
                    and d.args and isinstance(d.args[0], ast.Constant)
                ]
                if not names:
                    continue
                aggregate = getattr(importlib.import_module(module_name), node.name)
                for name in names:
                    cls = getattr(aggregate, name)
                    assert issubclass(cls, Aggregate.Event), f"{aggregate.__name__}.{name}"
                    found[cls] = aggregate
    return found


EVENTS = defined_events()
PROJECTIONS = build_projections()


def test_the_write_side_defines_the_events_the_projections_read() -> None:
    names = {cls.__qualname__ for cls in EVENTS}
    assert {"Plan.Created", "Activity.Logged", "Tenant.Registered", "User.RoleGranted"} <= names


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_every_event_of_the_write_side_is_handled_or_ignored_on_purpose(projection) -> None:
    handled, ignored = set(projection.HANDLERS), set(projection.IGNORED)
    dropped = sorted(
        cls.__qualname__ for cls, aggregate in EVENTS.items()
        if cls not in handled and cls not in ignored and aggregate not in ignored
    )
    assert dropped == [], f"{projection.name} neither handles nor ignores {dropped}"


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_a_projection_ignores_nothing_it_handles_and_reads_exactly_what_it_handles(projection) -> None:
    handled = set(projection.HANDLERS)
    ignored_aggregates = {c for c in projection.IGNORED if issubclass(c, Aggregate)}
    assert not handled & set(projection.IGNORED)
    assert not {cls for cls in handled if EVENTS.get(cls) in ignored_aggregates}
    assert handled <= set(EVENTS), "a handler for an event the write side does not define"
    assert projection.topics == topics_of(*handled)


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_a_projection_that_says_it_reads_every_event_does(projection) -> None:
    """A replay reads the log unfiltered for such a projection (projections/runner.py)."""
    if getattr(projection, "reads_every_event", False):
        assert set(projection.HANDLERS) == set(EVENTS) and not projection.IGNORED


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_every_handler_is_a_method_of_its_projection(projection) -> None:
    for cls, handler in projection.HANDLERS.items():
        assert getattr(type(projection), handler.__name__) is handler, (cls.__qualname__, handler)
