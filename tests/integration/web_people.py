"""A fresh organisation with people signed in to the pages, for the page tests."""

from __future__ import annotations

from types import SimpleNamespace

from tests.e2e.conftest import Org
from tests.integration.test_cross_tenant_matrix import operator
from tests.integration.test_web_todo import person


def city_with(runtime, **people: tuple[str, str]) -> SimpleNamespace:
    """``city_with(rt, secretary=("branch_a", "secretary"))``: the Org as ``.org`` and each
    person (an API client with ``.web``, signed in) under its name."""
    org = Org(operator(runtime))
    story = SimpleNamespace(org=org)
    for name, (node, role) in people.items():
        setattr(story, name, person(runtime, org, getattr(org, node), role))
    return story
