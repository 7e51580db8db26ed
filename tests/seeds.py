"""The three real seed plans: kept outside the repository (``../shared/seeds`` beside the
checkout, or the folder ``TAOLUN_SEEDS_DIR`` names). Tests marked ``seeds`` read them; a
bare clone runs without them and says so (tests/conftest.py), CI requires them."""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SEED_NAMES = {
    "tianjin": "tianjin-vocational-university-plan.txt",
    "yangzhou": "yangzhou-city-education-plan.txt",
    "yiyang": "yiyang-technical-school-plan.txt",
}


def locate() -> tuple[Path | None, str]:
    """The seeds folder, or None and why it was not found."""
    configured = os.environ.get("TAOLUN_SEEDS_DIR")
    folder = Path(configured) if configured else REPOSITORY.parent / "shared" / "seeds"
    where = f"TAOLUN_SEEDS_DIR={configured}" if configured else f"{folder} (../shared/seeds beside the repository)"
    if not folder.is_dir():
        hint = "" if configured else "; set TAOLUN_SEEDS_DIR to run them"
        return None, f"no seed plans at {where}{hint}"
    missing = sorted(name for name in SEED_NAMES.values() if not (folder / name).is_file())
    if missing:
        return None, f"seed plans missing in {where}: {', '.join(missing)}"
    return folder, ""


def required() -> bool:
    """CI (CI=true) or TAOLUN_REQUIRE_SEEDS=1: running without the seeds is a failure."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get("TAOLUN_REQUIRE_SEEDS") == "1"
