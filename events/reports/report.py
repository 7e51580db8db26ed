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

from taolun.events.kernel import Conflict, DomainError, TaolunAggregate

# kind -> (subject type, allowed formats)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plan_document": ("plan", ("docx", "pdf")),  # 实施方案 (公文)
    "progress_table": ("unit", ("xlsx",)),  # 进度统计表
    "rectification_ledger": ("unit", ("xlsx",)),  # 整改台账
    "activity_ledger": ("unit", ("xlsx",)),  # 活动台账
}

MAX_REASON = 500


class ReportOutcomeRecorded(Conflict):
    """The report already has its outcome (a retried job): nothing more is recorded."""


def check_request(kind: str, fmt: str, campaign_id: UUID | None) -> str:
    """The subject type of a valid request; ``unknown_report_kind`` / ``unsupported_report_format``
    / ``campaign_required`` otherwise."""
    if kind not in KINDS:
        raise DomainError("unknown_report_kind", f"未知的报表类型：{kind}", kind=kind, allowed=sorted(KINDS))
    subject_type, formats = KINDS[kind]
    if fmt not in formats:
        raise DomainError("unsupported_report_format", f"该报表不支持 {fmt} 格式", format=fmt,
                          allowed=list(formats))
    if subject_type == "unit" and campaign_id is None:
        raise DomainError("campaign_required", "请指定活动（campaign_id）", field="campaign_id")
    return subject_type


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
        campaign_id: UUID | None, options: dict[str, Any],
    ) -> Report:
        check_request(kind, fmt, campaign_id)
        return cls(tenant_id=for_unit, actor=actor, kind=kind, subject_id=subject_id, format=fmt,
                   campaign_id=campaign_id, options=options)

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

    def failed(self, reason: str) -> None:
        self._check_open()
        self._failed(tenant_id=self.tenant_id, actor=None, reason=(reason or "未知原因")[:MAX_REASON])

    @event("Failed")
    def _failed(self, tenant_id: UUID, actor: UUID | None, reason: str) -> None:
        self.status = "failed"
        self.reason = reason
