"""Benchmark the report documents, each against a baseline measured in the same run.

    python bench/bench_reports.py [--rounds N] [--schools N] [--json]

* the 实施方案 公文 of a ten-page plan as PDF with typst (the product's renderer) against the
  DOCX of the same plan (python-docx); goal: PDF ≤ 1 s;
* the 公文 of a longer plan (17+ pages) with typst against its DOCX, and with WeasyPrint (the
  candidate typst was measured against; ``pip install -e ".[bench]"``) against typst;
* the 进度统计表 XLSX for a city of N schools with 10 branches each (2,000 / 20,000 by
  default), against writing the same rows to CSV.

Builders only (no server, no database): the figures are the renderers' own cost.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import statistics
import time
from datetime import date

from _common import Figure, console, print_figures
from taolun.notifications.reports.documents import gongwen
from taolun.notifications.reports.documents.workbooks import Sheet, workbook

PDF_GOAL_SECONDS = 1.0
PARAGRAPH = ("坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神，"
             "聚焦教育高质量发展，破除不相适应的思想观念，推动各级各类学校对标先进、创新实践。")


def long_plan(phases: int = 6, tasks_per_phase: int = 6, repeats: int = 6) -> dict:
    """A plan whose 公文 runs past ten pages: long sections (``repeats`` paragraphs each), six
    phases, 36 tasks (``ten_page_plan`` trims it to ten pages)."""
    body = PARAGRAPH * repeats
    return {
        "header": {"title": "全市教育系统解放思想大讨论活动实施方案", "guiding_ideology": body,
                   "general_requirements": body, "theme": "解放思想大讨论", "slogan": "办高品质教育",
                   "goals": [body] * 4, "principles": [body] * 4,
                   "basis_documents": [{"name": "关于开展解放思想大讨论活动的通知", "doc_no": "扬办发〔2018〕12号"}]},
        "leading_group": {"leaders": [{"name": "张三", "position": "局长"}], "members": ["王五", "赵六"]},
        "phases": [{"id": f"p{n}", "name": f"第{n + 1}阶段", "start": f"2026-0{n + 1}-01",
                    "end": f"2026-0{n + 1}-28", "description": body} for n in range(phases)],
        "tasks": [{"title": f"任务{n}-{m}：{PARAGRAPH[:30]}", "phase_id": f"p{n}", "due": f"2026-0{n + 1}-20"}
                  for n in range(phases) for m in range(tasks_per_phase)],
        "topics": [{"group": f"（{k}）", "title": PARAGRAPH[:40]} for k in range(10)],
        "requirements": [{"description": PARAGRAPH} for _ in range(8)],
    }


def weasyprint_pdf(doc: gongwen.Gongwen) -> bytes:
    """The same 公文 as HTML + CSS, rendered by WeasyPrint (the measured alternative)."""
    import weasyprint

    blocks = "".join(f"<{'h2' if k == 'h1' else 'h3' if k == 'h2' else 'p'}>{html.escape(t)}"
                     f"</{'h2' if k == 'h1' else 'h3' if k == 'h2' else 'p'}>" for k, t in doc.blocks)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in doc.schedule)
    page = f"""<html><head><style>
      @page {{ size: A4; margin: 37mm 26mm 35mm 28mm; @bottom-center {{ content: "— " counter(page) " —"; }} }}
      body {{ font-family: "Noto Serif CJK SC"; font-size: 16pt; line-height: 1.75; }}
      .issuer {{ color: #c00000; font-size: 36pt; font-weight: bold; text-align: center; }}
      .no {{ text-align: center; border-bottom: 1.5pt solid #c00000; }}
      h1 {{ font-size: 22pt; text-align: center; }} h2 {{ font-family: "Noto Sans CJK SC"; font-size: 16pt; }}
      h3 {{ font-size: 16pt; }} p {{ text-indent: 2em; margin: 0; }}
      table {{ border-collapse: collapse; font-size: 11pt; width: 100%; }} td {{ border: 0.5pt solid black; }}
      .end {{ text-align: right; }}
    </style></head><body><div class="issuer">{html.escape(doc.issuer)}文件</div>
    <div class="no">{html.escape(doc.doc_no)}</div><h1>{html.escape(doc.title)}</h1>{blocks}
    <h2>附件：活动安排表</h2><table>{rows}</table>
    <div class="end">{html.escape(doc.issuer)}<br>{html.escape(doc.date)}</div></body></html>"""
    return weasyprint.HTML(string=page).write_pdf()


def timed(rounds: int, make) -> tuple[float, bytes]:
    """Median seconds of ``rounds`` runs (after one warm-up) and the last output."""
    out = make()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        out = make()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def progress_rows(schools: int, branches_per_school: int) -> list[Sheet]:
    header = ["单位", "类型", "上级单位", "方案状态", "信号灯", "评分"] + [f"指标{i}" for i in range(9)]
    lights = ("green", "yellow", "red")
    levels = [Sheet("第1级", header, light_column=4), Sheet("第2级", header, light_column=4),
              Sheet("第3级", header, light_column=4), Sheet("第4级", header, light_column=4)]
    levels[0].rows.append(["市教育局", "教育局", "", "已批准", "green", 90, *range(9)])
    districts = 10
    for d in range(districts):
        levels[1].rows.append([f"区教育局{d}", "教育局", "市教育局", "已批准", lights[d % 3], 80, *range(9)])
    for s in range(schools):
        levels[2].rows.append([f"学校{s}", "学校", f"区教育局{s % districts}", "待审核", lights[s % 3], 70, *range(9)])
        for b in range(branches_per_school):
            levels[3].rows.append([f"学校{s}第{b}支部", "支部", f"学校{s}", "", lights[(s + b) % 3], 60, *range(9)])
    return levels


def as_csv(sheets: list[Sheet]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for sheet in sheets:
        writer.writerow(sheet.header)
        writer.writerows(sheet.rows)
    return out.getvalue().encode("utf-8-sig")


def ten_page_plan() -> dict:
    """The issue's figure: a plan whose 公文 is ten pages (five phases, 25 tasks)."""
    return long_plan(phases=5, tasks_per_phase=5, repeats=2)


def measure(args) -> list[Figure]:
    day = date(2026, 11, 25)

    def gongwen_of(plan: dict) -> gongwen.Gongwen:
        return gongwen.from_plan(plan, issuer="扬州市教育局", doc_no="扬教发〔2026〕12号", day=day)

    figures = []
    ten = gongwen_of(ten_page_plan())
    docx_s, _ = timed(args.rounds, lambda: gongwen.to_docx(ten))
    typst_s, pdf = timed(args.rounds, lambda: gongwen.to_pdf(ten))
    figures.append(Figure(f"公文 PDF of a {pages(pdf)}-page plan (typst)", "s", typst_s, "the DOCX of the same plan",
                          docx_s, note=f"goal ≤ {PDF_GOAL_SECONDS:g} s: {'met' if typst_s <= PDF_GOAL_SECONDS else 'missed'}",
                          extra={"goal_seconds": PDF_GOAL_SECONDS, "pages": pages(pdf), "pdf_bytes": len(pdf)}))
    long = gongwen_of(long_plan())
    docx_s, _ = timed(args.rounds, lambda: gongwen.to_docx(long))
    typst_s, typst_pdf = timed(args.rounds, lambda: gongwen.to_pdf(long))
    figures.append(Figure(f"公文 PDF of a {pages(typst_pdf)}-page plan (typst)", "s", typst_s,
                          "the DOCX of the same plan", docx_s, extra={"pdf_bytes": len(typst_pdf)}))
    try:
        weasy_s, weasy_pdf = timed(args.rounds, lambda: weasyprint_pdf(long))
        figures.append(Figure(f"公文 PDF of the same plan with WeasyPrint ({pages(weasy_pdf)} pages)", "s", weasy_s,
                              "typst, same plan", typst_s, extra={"pdf_bytes": len(weasy_pdf)}))
    except ImportError:
        console.print('WeasyPrint is not installed (pip install -e ".[bench]"): its figure is left out', markup=False)
    sheets = progress_rows(args.schools, 10)
    units = sum(len(s.rows) for s in sheets)
    rounds = max(1, args.rounds // 3)
    xlsx_s, xlsx = timed(rounds, lambda: workbook(sheets))
    csv_s, csv_bytes = timed(rounds, lambda: as_csv(sheets))
    figures.append(Figure(f"进度统计表 XLSX, {args.schools:,} schools / {args.schools * 10:,} branches "
                          f"({units:,} rows)", "s", xlsx_s, "the same rows written to CSV", csv_s,
                          extra={"xlsx_bytes": len(xlsx), "csv_bytes": len(csv_bytes)}))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--schools", type=int, default=2000, help="schools in the 进度统计表 (10 branches each)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    figures = measure(args)
    if args.json:
        print(json.dumps({f.name: {"taolun": round(f.value, 4), "baseline": round(f.baseline, 4),
                                   "ratio": round(f.ratio, 2), "goal": f.extra.get("goal_seconds"), **f.extra}
                          for f in figures}, ensure_ascii=False))
        return
    print_figures("reports: documents against their same-run baselines (median seconds)", figures)


if __name__ == "__main__":
    main()
