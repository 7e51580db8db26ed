"""实施方案 as a 公文 (official document), following GB/T 9704 conventions.

One neutral structure (:class:`Gongwen`) built from a plan's content, rendered twice: to DOCX
with python-docx (editable in Word/WPS; Windows' 仿宋/黑体/宋体 named for the body, headings
and title) and to PDF with typst (Noto CJK from Debian's ``fonts-noto-cjk``). The typst
template reads the document as JSON from ``sys.inputs`` so no user text is ever spliced into
markup. typst was chosen over WeasyPrint by measurement (bench/bench_reports.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from taolun.notifications.reports.documents.docx_writing import DocxWriter

RED = "C00000"
NUMERALS = "一二三四五六七八九十"
SCHEDULE_HEADER = ["序号", "阶段", "时间安排", "主要任务", "完成时限"]
LEADING_ROLES = (("leaders", "组　长"), ("deputy_leaders", "副组长"), ("members", "成　员"),
                 ("office", "办公室"))


@dataclass
class Gongwen:
    issuer: str
    doc_no: str
    title: str
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("h1" | "h2" | "p", text)
    schedule: list[list[str]] = field(default_factory=list)  # rows under SCHEDULE_HEADER
    date: str = ""


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def doc_number(doc_no: str | None, year: int) -> str:
    """The given 文号, or the year's bracket with the number left blank to be filled in."""
    return doc_no.strip() if doc_no and doc_no.strip() else f"〔{year}〕　号"


def _who(entry: Any) -> str:
    if isinstance(entry, dict):
        return "".join(filter(None, [entry.get("name", ""), f"（{entry['position']}）" if entry.get("position") else ""]))
    return str(entry)


def _span(start: str | None, end: str | None) -> str:
    return f"{start or ''}至{end or ''}" if start or end else ""


def from_plan(plan: dict[str, Any], *, issuer: str, doc_no: str, day: date) -> Gongwen:
    """The 公文 of a plan as the API answers it (``plan_out``)."""
    header = plan["header"]
    doc = Gongwen(issuer=issuer, doc_no=doc_no, title=header.get("title") or "实施方案",
                  date=chinese_date(day))
    basis = [f"《{b['name']}》" + (f"（{b['doc_no']}）" if b.get("doc_no") else "")
             for b in header.get("basis_documents") or []]
    if basis:
        doc.blocks.append(("p", f"根据{'、'.join(basis)}精神，结合实际，制定本方案。"))
    sections: list[tuple[str, list[tuple[str, str]]]] = []

    def add(title: str, blocks: list[tuple[str, str]]) -> None:
        if blocks:
            sections.append((title, blocks))

    add("指导思想", [("p", header["guiding_ideology"])] if header.get("guiding_ideology") else [])
    add("总体要求", [("p", header["general_requirements"])] if header.get("general_requirements") else [])
    theme = [("p", f"活动主题：{header['theme']}")] if header.get("theme") else []
    theme += [("p", f"活动口号：{header['slogan']}")] if header.get("slogan") else []
    add("活动主题", theme)
    add("目标任务", [("p", f"{i}. {g}") for i, g in enumerate(header.get("goals") or [], 1)])
    add("基本原则", [("p", f"{i}. {p}") for i, p in enumerate(header.get("principles") or [], 1)])
    group = plan.get("leading_group") or {}
    add("组织领导", [("p", f"{label}：{'、'.join(_who(e) for e in group.get(key) or [])}")
                 for key, label in LEADING_ROLES if group.get(key)])
    phases = plan.get("phases") or []
    add("阶段安排", [block for n, ph in enumerate(phases) for block in (
        ("h2", f"（{NUMERALS[n % 10]}）{ph['name']}（{_span(ph.get('start'), ph.get('end'))}）"),
        *([("p", ph["description"])] if ph.get("description") else []),
    )])
    add("讨论专题", [("p", " ".join(filter(None, [t.get("group"), t["title"]])))
                 for t in plan.get("topics") or [] if t.get("title")])
    add("工作要求", [("p", f"{i}. {r.get('description') or r.get('kind', '')}")
                 for i, r in enumerate(plan.get("requirements") or [], 1)])
    for n, (title, blocks) in enumerate(sections):
        doc.blocks.append(("h1", f"{NUMERALS[n % 10]}、{title}"))
        doc.blocks.extend(blocks)
    doc.schedule = schedule_rows(phases, plan.get("tasks") or [])
    return doc


def schedule_rows(phases: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> list[list[str]]:
    """活动安排表: each phase with its tasks (a phase without tasks keeps one row)."""
    rows: list[list[str]] = []
    by_phase: dict[Any, list[dict[str, Any]]] = {}
    for task in tasks:
        by_phase.setdefault(task.get("phase_id"), []).append(task)
    known = {ph["id"] for ph in phases}
    groups = [(ph["name"], _span(ph.get("start"), ph.get("end")), by_phase.get(ph["id"], []))
              for ph in phases]
    loose = [t for pid, ts in by_phase.items() if pid not in known for t in ts]
    if loose:
        groups.append(("其他", "", loose))
    for name, span, items in groups:
        for task in items or [{}]:
            rows.append([str(len(rows) + 1), name, span, task.get("title", ""), task.get("due") or ""])
    return rows


# ------------------------------------------------------------------ DOCX


def to_docx(doc: Gongwen) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    writer = DocxWriter((37, 35, 28, 26), size=16, pitch=28)
    document, run, para = writer.document, writer.run, writer.para

    para(f"{doc.issuer}文件", "宋体", 36, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=RED)
    para(doc.doc_no, align=WD_ALIGN_PARAGRAPH.CENTER)
    writer.rule_under(para(), RED)
    para(doc.title, "宋体", 22, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for kind, text in doc.blocks:
        if kind == "h1":
            para(text, "黑体", 16, indent=True)
        elif kind == "h2":
            para(text, "楷体", 16, indent=True)
        else:
            para(text, indent=True)
    if doc.schedule:  # 附件说明 before the signature, the attachment after it on its own page
        para("附件：活动安排表", indent=True)
    para()
    para(doc.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if doc.schedule:
        from docx.enum.text import WD_BREAK

        para().add_run().add_break(WD_BREAK.PAGE)
        para("附件", "黑体", 16)
        para("活动安排表", "宋体", 22, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        table = document.add_table(rows=1, cols=len(SCHEDULE_HEADER))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, label in zip(table.rows[0].cells, SCHEDULE_HEADER):
            run(cell.paragraphs[0], label, "黑体", 12)
        for row in doc.schedule:
            for cell, value in zip(table.add_row().cells, row):
                run(cell.paragraphs[0], value, "仿宋", 12)
    return writer.save()


# ------------------------------------------------------------------ PDF


def to_pdf(doc: Gongwen) -> bytes:
    import typst

    template = resources.files(__package__).joinpath("gongwen.typ").read_bytes()
    data = asdict(doc) | {"schedule_header": SCHEDULE_HEADER}
    return typst.compile(template, sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
