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

from taolun.notifications.reports.documents import gongwen
from taolun.notifications.reports.documents.workbooks import Sheet, workbook
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
    document) and the names of plan statuses."""

    read_plan: Callable[[Any, bool], dict[str, Any]]
    plan_statuses: dict[str, str]


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
    return dict(OrgNode.objects.filter(path__startswith=path).values_list("id", "name"))


def progress_table(job: Any, progress: Progress, sources: Sources) -> Built:
    """进度统计表: one row per unit of the subtree, a sheet per level below the unit."""
    at = position()
    unit = _unit(job)
    names = _names(unit.path)
    header = ["单位", "类型", "上级单位", "方案状态", "信号灯", "评分", "活动次数", "参与人次",
              "学时", "建议数", "采纳建议", "问题数", "已销号问题", "达标要求", "要求总数"]
    levels: dict[int, Sheet] = {}
    rows = ProgressRow.objects.filter(campaign_id=job.campaign_id, path__startswith=unit.path).order_by("depth", "path")
    for r in rows.iterator():
        total = r.total or {}
        level = r.depth - unit.depth + 1
        sheet = levels.setdefault(level, Sheet(f"第{level}级", header, widths=[24, 8, 20, 10, 8] + [10] * 10,
                                               light_column=4))
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
    progress(50)
    content = workbook([levels[k] for k in sorted(levels)], lambda pct: progress(50 + pct * 4 // 10))
    return Built(content, f"进度统计表-{unit.name}.xlsx", at)


def rectification_ledger(job: Any, progress: Progress, sources: Sources) -> Built:
    at = position()
    unit = _unit(job)
    names = _names(unit.path)
    sheet = Sheet("整改台账", ["序号", "单位", "问题描述", "类别", "来源", "整改措施", "牵头领导",
                            "责任单位", "整改时限", "进度(%)", "状态", "重新打开次数", "登记时间"],
                  widths=[6, 20, 40, 10, 14, 40, 10, 20, 12, 8, 8, 8, 18])
    problems = ProblemRow.objects.filter(campaign_id=job.campaign_id, path__startswith=unit.path)
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
    activities = ActivityRow.objects.filter(campaign_id=job.campaign_id, path__startswith=unit.path)
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
}
