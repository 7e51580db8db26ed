"""Every package of the source tree is listed in pyproject.toml, so the wheel carries it
(a package split into a folder, like events/campaigns/rules/, was once left out)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_THE_PRODUCT = {".venv", "tests", "bench", "var", "build", "dist"}


def test_every_package_folder_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {
        "taolun." + ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.rglob("__init__.py")
        if init.relative_to(ROOT).parts[0] not in OUTSIDE_THE_PRODUCT
    }
    assert sorted(folders - listed) == []
