"""What the DOCX documents share (python-docx): A4 margins, runs that name an East Asian font
(Word and WPS pick 宋体/仿宋/黑体/楷体 by ``w:eastAsia``), paragraphs on a fixed line pitch,
a red rule under a paragraph."""

from __future__ import annotations

from typing import Any


class DocxWriter:
    def __init__(self, margins_mm: tuple[int, int, int, int], size: float, pitch: float) -> None:
        """``margins_mm``: top, bottom, left, right; ``size`` the body's points, ``pitch`` its line."""
        from docx import Document
        from docx.shared import Mm

        self.document = Document()
        self.size, self.pitch = size, pitch
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        top, bottom, left, right = margins_mm
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)

    def run(self, paragraph: Any, text: str, font: str, size: float, bold: bool = False,
            color: str | None = None) -> Any:
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        r = paragraph.add_run(text)
        r.font.name, r.font.size, r.font.bold = font, Pt(size), bold
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if color:
            r.font.color.rgb = RGBColor.from_string(color)
        return r

    def para(self, text: str = "", font: str = "仿宋", size: float | None = None, *, align: Any = None,
             bold: bool = False, color: str | None = None, indent: bool = False) -> Any:
        from docx.shared import Pt

        size = size or self.size
        p = self.document.add_paragraph()
        p.paragraph_format.line_spacing = Pt(self.pitch)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if text:
            self.run(p, text, font, size, bold, color)
        return p

    def rule_under(self, paragraph: Any, color: str) -> None:
        """A red 1.5 pt line under ``paragraph`` (the 版头's rule)."""
        from docx.oxml.ns import qn

        border = paragraph._p.get_or_add_pPr().makeelement(qn("w:pBdr"), {})
        border.append(border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "12",
                                                          qn("w:space"): "1", qn("w:color"): color}))
        paragraph._p.get_or_add_pPr().append(border)

    def save(self) -> bytes:
        import io

        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
