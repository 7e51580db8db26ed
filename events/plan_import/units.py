"""Responsible units named in trailing parentheses: （教工部、教务处、组织部、宣传部）."""

from __future__ import annotations

import re

from .source import looks_like_org

TRAILING_UNITS_RE = re.compile(r"\(([^()\n]{2,80})\)\s*[。;.]?\s*$")
_SPLIT = re.compile(r"[、,，;；/\s]+|和|及")
_ROLE = re.compile(r"(?:牵头|负责|配合|参与|落实|具体实施)$")


def split_units(text: str) -> list[str]:
    parts = [_ROLE.sub("", p.strip()) for p in _SPLIT.split(text)]
    return [p for p in parts if p]


def units_in(content: str) -> list[str] | None:
    """The parts, when every part names a unit (各单位, 组织部牵头 …); else None."""
    if re.search(r"\d+\s*月|年|日|旬", content):
        return None
    parts = split_units(content)
    if parts and all(p.startswith(("各", "全体")) or looks_like_org(p, 20) for p in parts):
        return parts
    return None


def trailing_units(folded: str) -> tuple[list[str], int] | None:
    """Units in parentheses at the very end of ``folded`` and where the parenthesis opens."""
    m = TRAILING_UNITS_RE.search(folded.rstrip())
    if not m:
        return None
    units = units_in(m.group(1))
    return (units, m.start()) if units else None
