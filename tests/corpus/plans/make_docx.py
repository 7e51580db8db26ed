"""Writes the corpus's .docx plans from their sources in ``docx-sources/`` (python-docx):
run ``python -m tests.corpus.plans.make_docx`` after changing a source, and commit both.

A source is the document's paragraphs, one a line; a run of lines written ``| a | b | c |``
is a Word table, one line a row (a schedule or a leading group, as bureaus lay them out); a
cell written ``^`` is merged with the cell above it (a phase spanning two rows)."""

from __future__ import annotations

from pathlib import Path

import docx

FOLDER = Path(__file__).resolve().parent
SOURCES = FOLDER / "docx-sources"


def blocks(source: str) -> list[str | list[list[str]]]:
    """Paragraphs as strings, tables as lists of rows."""
    found: list[str | list[list[str]]] = []
    for line in source.splitlines():
        if line.startswith("|"):
            row = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if found and isinstance(found[-1], list):
                found[-1].append(row)
            else:
                found.append([row])
        else:
            found.append(line)
    return found


def build(source: str) -> docx.Document:
    document = docx.Document()
    for block in blocks(source):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        for r, cells in enumerate(block):
            for c, text in enumerate(cells):
                if text == "^":
                    table.cell(r - 1, c).merge(table.cell(r, c))
                else:
                    table.cell(r, c).text = text
    document.core_properties.author = "taolun corpus"
    return document


def main() -> None:
    for source in sorted(SOURCES.glob("*.txt")):
        build(source.read_text("utf-8")).save(FOLDER / (source.stem + ".docx"))


if __name__ == "__main__":
    main()
