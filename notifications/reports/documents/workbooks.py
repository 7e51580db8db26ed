"""XLSX workbooks (openpyxl): 进度统计表, 整改台账, 活动台账.

Every sheet has a bold frozen header row and an auto-filter over its data; widths are set
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
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    book.remove(book.active)
    sheets = list(sheets)
    fills = {light: PatternFill("solid", fgColor=colour) for light, colour in LIGHT_FILLS.items()}
    bold = Font(bold=True)
    for n, sheet in enumerate(sheets, 1):
        ws = book.create_sheet(sheet.title[:31])
        ws.append(list(sheet.header))
        for cell in ws[1]:
            cell.font = bold
        for row in sheet.rows:
            if sheet.light_column is None:
                ws.append(row)
                continue
            light = row[sheet.light_column]
            ws.append([*row[:sheet.light_column], LIGHT_LABELS.get(light, light),
                       *row[sheet.light_column + 1:]])
            if light in fills:
                ws.cell(row=ws.max_row, column=sheet.light_column + 1).fill = fills[light]
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{max(ws.max_row, 1)}"
        for i, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        progress(round(100 * n / len(sheets)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
