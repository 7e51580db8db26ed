"""The README and docs/progress.md name exactly the node lights the code can give, and blue
only for a problem."""

import re
from pathlib import Path

from taolun.events.campaigns import lights

COLOURS = ("green", "yellow", "red", "blue")
ROOT = Path(__file__).resolve().parents[2]


def colours_in(path: str, pattern: str) -> set[str]:
    text = (ROOT / path).read_text(encoding="utf-8").replace("\n", " ")
    return {c for c in COLOURS if c in re.search(pattern, text).group(1)}


def test_the_readme_names_the_node_lights_the_code_gives() -> None:
    assert colours_in("README.md", r"Node lights are ([^.]*)") == set(lights.LIGHTS)


def test_the_progress_doc_names_the_node_lights_the_code_gives_and_blue_only_for_problems() -> None:
    assert colours_in("docs/progress.md", r"Node lights are ([^(]*)") == set(lights.LIGHTS)
    assert "blue" in lights.PROBLEM_LIGHTS and "blue" not in lights.LIGHTS
    assert colours_in("docs/progress.md", r"\((blue exists only on the problem list)\)") == {"blue"}
