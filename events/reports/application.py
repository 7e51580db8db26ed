"""The ``Reports`` application: request a report, record its outcome exactly once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from taolun.events.kernel import TaolunApplication
from taolun.events.reports.report import Report, ReportOutcomeRecorded


class Reports(TaolunApplication):
    def request(
        self, actor: UUID, *, for_unit: UUID, kind: str, subject_id: UUID, fmt: str,
        campaign_id: UUID | None = None, options: dict[str, Any] | None = None,
    ) -> tuple[UUID, int]:
        """A new report job (``Report.Requested``); answers (its id, the notification id)."""
        report = Report.request(for_unit=for_unit, actor=actor, kind=kind, subject_id=subject_id,
                                fmt=fmt, campaign_id=campaign_id, options=dict(options or {}))
        return report.id, self.save_all(report)

    def get_report(self, report_id: UUID) -> Report:
        return self.get_aggregate(Report, report_id, "report_not_found", "报表不存在")

    def record_generated(self, report_id: UUID, *, sha256: str, size: int, filename: str,
                         computed_at: int) -> int | None:
        """Store ``Report.Generated``; ``None`` (nothing stored) when the report already has
        its outcome — a retry, or another worker that got there first."""
        return self._record_outcome(report_id, lambda r: r.generated(
            sha256=sha256, size=size, filename=filename, computed_at=computed_at))

    def record_failed(self, report_id: UUID, reason: str) -> int | None:
        return self._record_outcome(report_id, lambda r: r.failed(reason))

    def _record_outcome(self, report_id: UUID, change) -> int | None:
        report = self.get_report(report_id)
        try:
            change(report)
            return self.save_all(report)
        except ReportOutcomeRecorded:
            return None
        except IntegrityError:  # another copy of the job recorded the outcome meanwhile
            return None
