"""The ``Report`` aggregate: one requested document and its outcome.

Requested → Generated | Failed, each at most once: ``generated`` and ``failed`` refuse a
report that already has an outcome, and two workers racing to record one collide on the
aggregate's next version (the store's optimistic concurrency), so a retried or duplicated
job leaves exactly one ``Generated`` event.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from taolun.events.campaigns import rules
from taolun.events.kernel import Conflict, DomainError, TaolunAggregate, index_id

# kind -> (subject type, allowed formats)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plan_document": ("plan", ("docx", "pdf")),  # 实施方案 (公文)
    "progress_table": ("unit", ("xlsx", "pdf")),  # 进度统计表 (the PDF with charts)
    "rectification_ledger": ("unit", ("xlsx",)),  # 整改台账
    "activity_ledger": ("unit", ("xlsx",)),  # 活动台账
    "bulletin": ("unit", ("docx", "pdf")),  # 简报, numbered per issuing unit (期号)
    "phase_summary": ("unit", ("docx", "pdf")),  # 阶段总结
    "summary_report": ("unit", ("docx", "pdf")),  # 总结报告
}
# Summaries are reported upward (上报); what is submitted stays as it was computed.
SUMMARY_KINDS = frozenset({"phase_summary", "summary_report"})

MAX_REASON = 500


def bulletin_id(unit_id: UUID, issue_no: int) -> UUID:
    """The id of a unit's bulletin number ``issue_no``: two requests taking the same number
    collide on it in the event store, so each number is issued once."""
    return index_id("bulletin", unit_id, issue_no)


class ReportOutcomeRecorded(Conflict):
    """The report already has its outcome (a retried job): nothing more is recorded."""


def check_request(kind: str, fmt: str, campaign_id: UUID | None,
                  options: dict[str, Any] | None = None) -> str:
    """The subject type of a valid request; ``unknown_report_kind`` / ``unsupported_report_format``
    / ``campaign_required`` / ``period_required`` / ``phase_required`` otherwise."""
    if kind not in KINDS:
        raise DomainError("unknown_report_kind", f"未知的报表类型：{kind}", kind=kind, allowed=sorted(KINDS))
    subject_type, formats = KINDS[kind]
    if fmt not in formats:
        raise DomainError("unsupported_report_format", f"该报表不支持 {fmt} 格式", format=fmt,
                          allowed=list(formats))
    if subject_type == "unit" and campaign_id is None:
        raise DomainError("campaign_required", "请指定活动（campaign_id）", field="campaign_id")
    options = options or {}
    if kind == "bulletin":
        check_period(options.get("period_start"), options.get("period_end"))
    if kind == "phase_summary" and not options.get("phase_id"):
        raise DomainError("phase_required", "请选择阶段（phase_id）", field="phase_id")
    return subject_type


def check_period(start: Any, end: Any) -> tuple[str, str]:
    """A 简报's period: two ISO dates, the first not after the second."""
    if not start or not end:
        raise DomainError("period_required", "请指定简报的起止日期", field="period_start")
    start, end = rules.iso_date(start, "period_start"), rules.iso_date(end, "period_end")
    if start > end:
        raise DomainError("invalid_period", "起始日期不能晚于结束日期", field="period_end")
    return start, end


class Report(TaolunAggregate):
    @event("Requested")
    def __init__(
        self, *, tenant_id: UUID, actor: UUID, kind: str, subject_id: UUID, format: str,
        campaign_id: UUID | None, options: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id  # the unit the report is for (the subject's unit)
        self.requested_by = actor
        self.kind = kind
        self.subject_id = subject_id
        self.format = format
        self.campaign_id = campaign_id
        self.options = options
        self.status = "queued"
        self.file: dict[str, Any] | None = None
        self.reason = ""

    @classmethod
    def request(
        cls, *, for_unit: UUID, actor: UUID, kind: str, subject_id: UUID, fmt: str,
        campaign_id: UUID | None, options: dict[str, Any], id: UUID | None = None,  # noqa: A002
    ) -> Report:
        check_request(kind, fmt, campaign_id, options)
        if kind == "bulletin":
            options = {**options, "period_start": rules.iso_date(options["period_start"], "period_start"),
                       "period_end": rules.iso_date(options["period_end"], "period_end")}
        # Through _create: the library's way to give a new aggregate a chosen id.
        return cls._create(cls.Requested, id=id, tenant_id=for_unit, actor=actor, kind=kind,
                           subject_id=subject_id, format=fmt, campaign_id=campaign_id, options=options)

    def _check_open(self) -> None:
        if self.status != "queued":
            raise ReportOutcomeRecorded("report_finished", "报表已生成或已失败", status=self.status)

    def generated(self, *, sha256: str, size: int, filename: str, computed_at: int) -> None:
        self._check_open()
        self._generated(
            tenant_id=self.tenant_id, actor=None, kind=self.kind, subject_id=self.subject_id,
            for_unit=self.tenant_id, by=self.requested_by, sha256=sha256, size=size,
            filename=filename, computed_at=computed_at,
        )

    @event("Generated")
    def _generated(
        self, tenant_id: UUID, actor: UUID | None, kind: str, subject_id: UUID, for_unit: UUID,
        by: UUID, sha256: str, size: int, filename: str, computed_at: int,
    ) -> None:
        """``computed_at``: the notification position of the read models it was built from."""
        self.status = "done"
        self.file = {"sha256": sha256, "size": size, "filename": filename, "computed_at": computed_at}

    def submit(self, actor: UUID, *, to_unit: UUID | None) -> None:
        """上报: a generated summary goes to the unit above, frozen as it was built (its
        sha256 and the notification position its data was read at)."""
        if self.kind not in SUMMARY_KINDS:
            raise DomainError("report_not_submittable", "只有阶段总结和总结报告可以上报", kind=self.kind)
        if self.status != "done" or self.file is None:
            raise Conflict("report_not_ready", "报表尚未生成完成", job_status=self.status)
        if to_unit is None:
            raise DomainError("no_parent_unit", "本单位没有上级单位，无需上报")
        if getattr(self, "submitted", None):
            raise Conflict("report_already_submitted", "该总结已上报", to_unit=str(self.submitted["to_unit"]))
        self._submitted(tenant_id=self.tenant_id, actor=actor, to_unit=to_unit,
                        sha256=self.file["sha256"], computed_at=self.file["computed_at"])

    @event("Submitted")
    def _submitted(self, tenant_id: UUID, actor: UUID, to_unit: UUID, sha256: str, computed_at: int) -> None:
        self.submitted = {"to_unit": to_unit, "by": actor, "sha256": sha256, "computed_at": computed_at}

    def failed(self, reason: str) -> None:
        self._check_open()
        self._failed(tenant_id=self.tenant_id, actor=None, reason=(reason or "未知原因")[:MAX_REASON])

    @event("Failed")
    def _failed(self, tenant_id: UUID, actor: UUID | None, reason: str) -> None:
        self.status = "failed"
        self.reason = reason
