"""The README names exactly the node lights the progress code can give."""

import re
from pathlib import Path

from taolun.projections import progress as figures

COLOURS = ("green", "yellow", "red", "blue")


def test_the_readme_names_the_node_lights_the_code_gives() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    sentence = re.search(r"Node lights are ([^.]*)", readme.replace("\n", " ")).group(1)
    assert {c for c in COLOURS if c in sentence} == set(figures.LIGHTS)
