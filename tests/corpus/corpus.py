"""The importer's corpus: plan documents written for the project in the register of real
实施方案 (tests/corpus/plans), each with its expected structure written down beside it
(``NN-name.expected.json``: header fields, topic count, every phase's name and dates)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from taolun.events.plan_import import ImportedPlan, parse_plan, read_document

FOLDER = Path(__file__).resolve().parent / "plans"
HEADER_FIELDS = ("title", "document_number", "issuing_unit", "issue_date")


@dataclass(frozen=True)
class Document:
    name: str
    path: Path
    expected: dict[str, Any]

    def parse(self) -> ImportedPlan:
        return parse_plan(read_document(self.path.read_bytes(), self.path.name))


def documents() -> list[Document]:
    found = []
    for expected in sorted(FOLDER.glob("*.expected.json")):
        stem = expected.name.removesuffix(".expected.json")
        [path] = [p for p in FOLDER.glob(stem + ".*") if p.suffix in (".txt", ".docx")]
        found.append(Document(stem, path, json.loads(expected.read_text("utf-8"))))
    return found


def phase_key(name: str | None) -> str:
    """Names compare without spaces and colons: “第一阶段 宣传发动” is “第一阶段：宣传发动”."""
    return re.sub(r"[\s:：。.]", "", name or "")


def header_values(plan: ImportedPlan) -> dict[str, str | None]:
    """The header fields the corpus checks, as plain strings (what the preview shows)."""
    h = plan.header
    number = h.document_number.value
    issued = h.issue_date.value
    return {
        "title": h.title.value,
        "document_number": number["text"] if number else None,
        "issuing_unit": h.issuing_unit.value,
        "issue_date": issued.isoformat() if isinstance(issued, date) else issued,
    }


def phase_rows(phases: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    """(name, start, end) of phases given as dicts (``to_dict()`` or the CLI's JSON)."""
    return [(phase_key(p["name"]), p.get("start"), p.get("end")) for p in phases]


def expected_rows(document: Document) -> list[tuple[str, str, str]]:
    return phase_rows(document.expected["phases"])
