"""Seeds are real plans kept beside the repository (shared/seeds); tests fail loudly without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from taolun.events.plan_import import ImportedPlan, parse_plan, read_document

SEED_NAMES = {
    "tianjin": "tianjin-vocational-university-plan.txt",
    "yangzhou": "yangzhou-city-education-plan.txt",
    "yiyang": "yiyang-technical-school-plan.txt",
}


def find_seeds_dir() -> Path | None:
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        for candidate in (folder / "shared" / "seeds", folder.parent / "shared" / "seeds"):
            if candidate.is_dir():
                return candidate
    return None


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    found = find_seeds_dir()
    if found is None:
        pytest.fail(
            "shared/seeds not found: walked up from "
            f"{Path(__file__).resolve().parent} looking for shared/seeds (in CI it sits beside the clone)"
        )
    missing = [n for n in SEED_NAMES.values() if not (found / n).is_file()]
    if missing:
        pytest.fail(f"seed files missing in {found}: {missing}")
    return found


@pytest.fixture(scope="session")
def seed_bytes(seeds_dir: Path) -> dict[str, bytes]:
    return {key: (seeds_dir / name).read_bytes() for key, name in SEED_NAMES.items()}


@pytest.fixture(scope="session")
def seed_text(seed_bytes: dict[str, bytes]) -> dict[str, str]:
    return {key: read_document(data, SEED_NAMES[key]) for key, data in seed_bytes.items()}


@pytest.fixture(scope="session")
def plans(seed_text: dict[str, str]) -> dict[str, ImportedPlan]:
    return {key: parse_plan(text) for key, text in seed_text.items()}
