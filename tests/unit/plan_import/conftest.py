"""The plans the importer tests read: the example plans the package ships (every run), and
the three real seed plans kept outside the repository (tests marked ``seeds`` only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from taolun.events.plan_import import ImportedPlan, parse_plan, read_document
from taolun.platform import sample_plans
from tests import seeds

SAMPLE_NAMES = {"city": sample_plans.CITY, "district": sample_plans.DISTRICT, "school": sample_plans.SCHOOL}


@pytest.fixture(scope="session")
def sample_text() -> dict[str, str]:
    return {key: read_document(sample_plans.read(name), name) for key, name in SAMPLE_NAMES.items()}


@pytest.fixture(scope="session")
def samples(sample_text: dict[str, str]) -> dict[str, ImportedPlan]:
    return {key: parse_plan(text) for key, text in sample_text.items()}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    found, reason = seeds.locate()
    if found is None:  # reached only by a test that reads the seeds without the ``seeds`` mark
        pytest.fail(f"{reason} (mark the test with @pytest.mark.seeds)")
    return found


@pytest.fixture(scope="session")
def seed_bytes(seeds_dir: Path) -> dict[str, bytes]:
    return {key: (seeds_dir / name).read_bytes() for key, name in seeds.SEED_NAMES.items()}


@pytest.fixture(scope="session")
def seed_text(seed_bytes: dict[str, bytes]) -> dict[str, str]:
    return {key: read_document(data, seeds.SEED_NAMES[key]) for key, data in seed_bytes.items()}


@pytest.fixture(scope="session")
def plans(seed_text: dict[str, str]) -> dict[str, ImportedPlan]:
    return {key: parse_plan(text) for key, text in seed_text.items()}
