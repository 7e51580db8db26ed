"""XLSX workbooks (openpyxl): 进度统计表, 整改台账, 活动台账.

Every sheet has a bold, frozen header row and an auto-filter over its data; widths are set
per column. Rows arrive as plain lists (the data is read elsewhere).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

LIGHT_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
LIGHT_LABELS = {"green": "绿", "yellow": "黄", "red": "红"}


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: list[list[Any]] = field(default_factory=list)
    widths: Sequence[int] = ()
    light_column: int | None = None  # 0-based column whose value is a light (filled by colour)


def workbook(sheets: Iterable[Sheet], progress: Callable[[int], None] = lambda _: None) -> bytes:
    """The sheets as one workbook, streamed (openpyxl's write-only mode: memory stays flat
    for tens of thousands of rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheets = list(sheets)
    fills = {light: PatternFill("solid", fgColor=colour) for light, colour in LIGHT_FILLS.items()}
    bold = Font(bold=True)
    for n, sheet in enumerate(sheets, 1):
        ws = book.create_sheet(sheet.title[:31])
        # Settings before the rows: a write-only sheet writes them out in front of its data.
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{len(sheet.rows) + 1}"
        for i, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        header = []
        for label in sheet.header:
            cell = WriteOnlyCell(ws, value=label)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        column = sheet.light_column
        for row in sheet.rows:
            if column is None or row[column] not in fills:
                ws.append(row)
                continue
            light = WriteOnlyCell(ws, value=LIGHT_LABELS[row[column]])
            light.fill = fills[row[column]]
            ws.append([*row[:column], light, *row[column + 1:]])
        progress(round(100 * n / len(sheets)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
