"""Example 实施方案 shipped with Taolun: written for the project (not copies of real
documents), in the register bureaus and schools use. ``taolun demo`` imports them and the
test suite reads them, so both work from a bare clone or an installed wheel.

- the city bureau's campaign plan: UTF-8 text with a cover notice, topics, four phases,
  "四个一" rules and a labelled leading group;
- a district's plan derived from it: a .docx with explicit dates and a merged-cell table;
- a school's plan derived from it: GB18030 text with topic groups, a prose leading group
  and the schedule table as a word processor's plain-text copy leaves it (one cell a line).
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent

CITY = "city-bureau-plan.txt"
DISTRICT = "district-bureau-plan.docx"
SCHOOL = "school-plan-gb18030.txt"


def path(name: str) -> Path:
    return FOLDER / name


def read(name: str) -> bytes:
    return path(name).read_bytes()
