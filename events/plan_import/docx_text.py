"""Text of a .docx in reading order: body paragraphs and table cells, as a person would read it."""

from __future__ import annotations

import io

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph


def docx_to_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table: Table) -> list[str]:
    # Same shape as a table pasted from Word into a text box: one cell per line, each cell
    # prefixed by a tab, a blank line after each row. Vertically merged continuation cells are
    # written empty so that every row keeps its column count (the schedule parser relies on it).
    lines: list[str] = []
    for row in table.rows:
        for tc in row._tr.tc_lst:
            merged_below = tc.vMerge == "continue"
            text = "" if merged_below else _cell_text(_Cell(tc, table))
            cell_lines = text.split("\n") if text else [""]
            lines.append("\t" + cell_lines[0])
            lines.extend(cell_lines[1:])
        lines.append("")
    return lines


def _cell_text(cell: _Cell) -> str:
    parts = [p.text for p in cell.paragraphs]
    for inner in cell.tables:  # nested tables are rare but must not vanish
        parts.extend(line.strip("\t") for line in _table_lines(inner) if line.strip())
    return "\n".join(parts).strip("\n")
