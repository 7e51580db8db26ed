"""What each kind of report reads and which builder renders it (explicit dispatch).

Reads the read models (and, for the 实施方案, the plan as its requester may read it);
answers the file's bytes, its name and the notification position the data was read at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from taolun.events.campaigns.window import campaign_window
from taolun.notifications.reports import summaries
from taolun.notifications.reports.documents import gongwen, paper
from taolun.notifications.reports.documents.workbooks import LIGHT_LABELS, Sheet, workbook
from taolun.notifications.reports.history import facts_at
from taolun.projections.models import (
    ActivityRow, OrgNode, PlanRow, ProblemRow, ProgressRow, ProjectionPosition,
)
from taolun.tenants.domainmodel import KIND_LABELS

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROBLEM_STATUSES = {"open": "待整改", "rectifying": "整改中", "completed": "已完成", "verified": "已销号"}
ACTIVITY_STATUSES = {"logged": "已登记", "returned": "已退回", "retracted": "已撤回"}
Progress = Callable[[int], None]


class ReportUnavailable(Exception):
    """The report cannot be built from what exists (its reason is shown to the user)."""


@dataclass(frozen=True)
class Sources:
    """What the builders read besides the read models, handed in by the platform: the plan
    as its reader may read it (``read_plan(plan_id, released_only)`` → the API's plan
    document), the names of plan statuses, an application whose log the summaries fold
    (``log``: every context shares one) and the evidence photos (``photo(sha256)`` → bytes)."""

    read_plan: Callable[[Any, bool], dict[str, Any]]
    plan_statuses: dict[str, str]
    log: Any = None
    photo: Callable[[str], bytes | None] = lambda sha256: None


@dataclass
class Built:
    content: bytes
    filename: str
    computed_at: int


def position() -> int:
    """The campaign read models' position: what the report's data reflects."""
    return ProjectionPosition.objects.filter(name="campaigns").values_list("position", flat=True).first() or 0


def _today():
    return datetime.now(SHANGHAI).date()


def plan_document(job: Any, progress: Progress, sources: Sources) -> Built:
    at = position()
    row = PlanRow.objects.filter(pk=job.subject_id).first()
    if row is None:
        raise ReportUnavailable("方案不存在")
    released_only = job.options.get("view") == "released"
    if released_only and not row.released_version:
        raise ReportUnavailable("方案尚未发布")
    plan = sources.read_plan(job.subject_id, released_only)
    progress(40)
    issuer = OrgNode.objects.filter(pk=row.node_id).values_list("name", flat=True).first() or ""
    today = _today()
    doc = gongwen.from_plan(plan, issuer=issuer,
                            doc_no=gongwen.doc_number(job.options.get("doc_no"), today.year), day=today)
    progress(60)
    content = gongwen.to_pdf(doc) if job.format == "pdf" else gongwen.to_docx(doc)
    return Built(content, f"{doc.title}.{job.format}", at)


def _unit(job: Any) -> OrgNode:
    unit = OrgNode.objects.filter(pk=job.subject_id).first()
    if unit is None:
        raise ReportUnavailable("单位不存在")
    return unit


def _names(path: str) -> dict[Any, str]:
    return dict(OrgNode.objects.filter(path__under=path).values_list("id", "name"))


PROGRESS_HEADER = ["单位", "类型", "上级单位", "方案状态", "信号灯", "评分", "活动次数", "参与人次",
                   "学时", "建议数", "采纳建议", "问题数", "已销号问题", "达标要求", "要求总数"]
LIGHT_COLUMN = 4


def progress_levels(job: Any, unit: OrgNode, sources: Sources) -> dict[int, Sheet]:
    """The 进度统计表's rows (PROGRESS_HEADER) by level below ``unit`` (1 = the unit)."""
    names = _names(unit.path)
    levels: dict[int, Sheet] = {}
    rows = ProgressRow.objects.filter(campaign_id=job.campaign_id, path__under=unit.path).order_by("depth", "path")
    for r in rows.iterator():
        total = r.total or {}
        level = r.depth - unit.depth + 1
        sheet = levels.setdefault(level, Sheet(f"第{level}级", PROGRESS_HEADER,
                                               widths=[24, 8, 20, 10, 8] + [10] * 10, light_column=LIGHT_COLUMN))
        sheet.rows.append([
            r.name, KIND_LABELS.get(r.kind, r.kind), names.get(r.parent_id, ""),
            sources.plan_statuses.get(r.plan_status, r.plan_status), r.light, r.score,
            total.get("activities", 0), total.get("participants", 0),
            round(total.get("hours_x100", 0) / 100, 2), total.get("suggestions", 0),
            total.get("suggestions_adopted", 0), total.get("problems", 0),
            total.get("problems_closed", 0), total.get("req_met", 0), total.get("req_total", 0),
        ])
    if not levels:
        raise ReportUnavailable("该单位没有该活动的进度数据")
    return levels


def progress_table(job: Any, progress: Progress, sources: Sources) -> Built:
    """进度统计表: one row per unit of the subtree, a sheet per level below the unit (XLSX);
    the PDF charts the lights per level and the units directly below, then lists them."""
    at = position()
    unit = _unit(job)
    levels = progress_levels(job, unit, sources)
    progress(50)
    if job.format == "pdf":
        content = paper.to_pdf(progress_paper(unit, levels, _campaign_title(job.campaign_id)))
        return Built(content, f"进度统计表-{unit.name}.pdf", at)
    content = workbook([levels[k] for k in sorted(levels)], lambda pct: progress(50 + pct * 4 // 10))
    return Built(content, f"进度统计表-{unit.name}.xlsx", at)


CHARTED = 40  # units directly below shown in the bar charts (the table lists them all)


def progress_paper(unit: OrgNode, levels: dict[int, Sheet], campaign: str) -> paper.Paper:
    today = _today()
    doc = paper.Paper(title=f"{unit.name}进度统计表", issuer=unit.name, date=gongwen.chinese_date(today),
                      subtitle=f"{campaign}（截至{gongwen.chinese_date(today)}）")
    order = ("green", "yellow", "red")
    doc.stacks("各级单位信号灯分布（绿/黄/红）", [
        {"label": sheet.title, "segments": [
            {"value": sum(1 for r in sheet.rows if r[LIGHT_COLUMN] == light), "color": light} for light in order]}
        for _, sheet in sorted(levels.items())], legend="绿：进度正常　黄：进度滞后　红：问题逾期或长期未开展活动")
    below = levels.get(2)
    if below is not None:
        charted = below.rows[:CHARTED]
        more = f"（前{CHARTED}个，共{len(below.rows)}个）" if len(below.rows) > CHARTED else ""
        doc.bars(f"直属单位评分{more}", [{"label": r[0], "value": r[5] or 0, "color": r[LIGHT_COLUMN]} for r in charted])
        doc.bars(f"直属单位活动次数{more}", [{"label": r[0], "value": r[6], "color": "blue"} for r in charted])
    rows = levels[1].rows + (below.rows if below is not None else [])
    columns = [0, 1, 3, 4, 5, 6, 7, 8, 11, 12]
    doc.table([PROGRESS_HEADER[c] for c in columns],
              [[LIGHT_LABELS.get(r[c], r[c]) if c == LIGHT_COLUMN else r[c] for c in columns] for r in rows],
              lights=[r[LIGHT_COLUMN] for r in rows], light_column=columns.index(LIGHT_COLUMN))
    if len(levels) > 2:
        doc.p("更下级单位的逐项数据见同名 Excel 进度统计表。")
    return doc


def _campaign_title(campaign_id: Any) -> str:
    return PlanRow.objects.filter(pk=campaign_id).values_list("title", flat=True).first() or ""


def _facts(job: Any, sources: Sources):
    """The facts under the job's unit at the job's position: the one it was asked for
    (``options["at"]``: regenerating a submitted summary) or the read models' position now."""
    at = int(job.options.get("at") or position())
    plan_ids = set(PlanRow.objects.filter(campaign_id=job.campaign_id).values_list("id", flat=True))
    facts = facts_at(sources.log, at, campaign_id=job.campaign_id, plan_ids=plan_ids, unit_id=job.subject_id)
    if facts is None:
        raise ReportUnavailable("该单位或该活动在此时尚无数据")
    return facts


def _render(doc: paper.Paper, job: Any, stem: str) -> tuple[bytes, str]:
    content = paper.to_pdf(doc) if job.format == "pdf" else paper.to_docx(doc)
    return content, f"{stem}.{job.format}"


def bulletin(job: Any, progress: Progress, sources: Sources) -> Built:
    facts = _facts(job, sources)
    progress(40)
    window = summaries.Window(job.options["period_start"], job.options["period_end"])
    doc = summaries.bulletin(facts, window, int(job.options["issue_no"]), sources.photo)
    progress(60)
    content, name = _render(doc, job, f"简报第{job.options['issue_no']}期-{facts.unit.name}")
    return Built(content, name, facts.at)


def phase_summary(job: Any, progress: Progress, sources: Sources) -> Built:
    facts = _facts(job, sources)
    phase = summaries.campaign_phases(facts).get(str(job.options.get("phase_id")))
    if phase is None:
        raise ReportUnavailable("活动方案中没有该阶段")
    progress(40)
    doc = summaries.summary(facts, summaries.Window(phase.get("start") or "", phase.get("end") or ""),
                            phase["name"])
    progress(60)
    content, name = _render(doc, job, doc.title)
    return Built(content, name, facts.at)


def summary_report(job: Any, progress: Progress, sources: Sources) -> Built:
    facts = _facts(job, sources)
    progress(40)
    plan = facts.campaign
    window = campaign_window(plan.versions, plan.phases) or ("", "")
    doc = summaries.summary(facts, summaries.Window(*window), None)
    progress(60)
    content, name = _render(doc, job, doc.title)
    return Built(content, name, facts.at)


def rectification_ledger(job: Any, progress: Progress, sources: Sources) -> Built:
    at = position()
    unit = _unit(job)
    names = _names(unit.path)
    sheet = Sheet("整改台账", ["序号", "单位", "问题描述", "类别", "来源", "整改措施", "牵头领导",
                            "责任单位", "整改时限", "进度(%)", "状态", "重新打开次数", "登记时间"],
                  widths=[6, 20, 40, 10, 14, 40, 10, 20, 12, 8, 8, 8, 18])
    problems = ProblemRow.objects.filter(campaign_id=job.campaign_id, path__under=unit.path)
    for n, p in enumerate(problems.order_by("recorded_at", "id").iterator(), 1):
        plan = p.rectification or {}
        sheet.rows.append([
            n, names.get(p.node_id, ""), p.description, p.category, p.source,
            "\n".join(plan.get("measures") or []), plan.get("lead_leader", ""),
            "、".join(plan.get("responsible_units") or []), p.deadline or "", p.percent,
            PROBLEM_STATUSES.get(p.status, p.status), p.reopened,
            p.recorded_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        ])
    progress(50)
    return Built(workbook([sheet]), f"整改台账-{unit.name}.xlsx", at)


def activity_ledger(job: Any, progress: Progress, sources: Sources) -> Built:
    at = position()
    unit = _unit(job)
    names = _names(unit.path)
    sheet = Sheet("活动台账", ["序号", "单位", "活动类型", "活动主题", "开始", "结束", "参与人数",
                            "学时", "状态", "登记时间"], widths=[6, 20, 12, 36, 18, 18, 8, 8, 8, 18])
    activities = ActivityRow.objects.filter(campaign_id=job.campaign_id, path__under=unit.path)
    for n, a in enumerate(activities.order_by("start", "id").iterator(), 1):
        sheet.rows.append([
            n, names.get(a.node_id, ""), a.kind, a.title, a.start, a.end, a.participants,
            float(a.hours) if a.hours is not None else None, ACTIVITY_STATUSES.get(a.status, a.status),
            a.logged_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        ])
    progress(50)
    return Built(workbook([sheet]), f"活动台账-{unit.name}.xlsx", at)


BUILDERS: dict[str, Callable[[Any, Progress, Sources], Built]] = {
    "plan_document": plan_document,
    "progress_table": progress_table,
    "rectification_ledger": rectification_ledger,
    "activity_ledger": activity_ledger,
    "bulletin": bulletin,
    "phase_summary": phase_summary,
    "summary_report": summary_report,
}
