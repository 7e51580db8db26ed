"""The ``Reports`` application: request a report, record its outcome exactly once, and
submit a summary upward (上报)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from taolun.events.kernel import Conflict, TaolunApplication, retry_on_conflict
from taolun.events.reports.report import Report, ReportOutcomeRecorded, bulletin_id


class Reports(TaolunApplication):
    def request(
        self, actor: UUID, *, for_unit: UUID, kind: str, subject_id: UUID, fmt: str,
        campaign_id: UUID | None = None, options: dict[str, Any] | None = None,
    ) -> tuple[UUID, int]:
        """A new report job (``Report.Requested``); answers (its id, the notification id).
        A 简报 takes its unit's next 期号 (``options["issue_no"]``)."""
        if kind == "bulletin":
            return self._request_bulletin(actor, for_unit=for_unit, subject_id=subject_id, fmt=fmt,
                                          campaign_id=campaign_id, options=dict(options or {}))
        report = Report.request(for_unit=for_unit, actor=actor, kind=kind, subject_id=subject_id,
                                fmt=fmt, campaign_id=campaign_id, options=dict(options or {}))
        return report.id, self.save_all(report)

    @retry_on_conflict(attempts=8)
    def _request_bulletin(self, actor: UUID, *, for_unit: UUID, subject_id: UUID, fmt: str,
                          campaign_id: UUID | None, options: dict[str, Any]) -> tuple[UUID, int]:
        # The number is the bulletin's identity (bulletin_id): a racing request that took the
        # same number first makes this save fail on the id, and the retry takes the next one.
        issue_no = self.next_issue_no(for_unit)
        report = Report.request(for_unit=for_unit, actor=actor, kind="bulletin", subject_id=subject_id,
                                fmt=fmt, campaign_id=campaign_id, options={**options, "issue_no": issue_no},
                                id=bulletin_id(for_unit, issue_no))
        return report.id, self.save_all(report)

    def next_issue_no(self, unit_id: UUID) -> int:
        """The lowest 期号 not yet issued by the unit. Numbers are taken lowest first, so the
        issued ones are 1..n: an exponential then a binary search over the store finds n + 1."""

        def taken(n: int) -> bool:
            return bool(list(self.events.get(originator_id=bulletin_id(unit_id, n), limit=1)))

        high = 1
        while taken(high):
            high *= 2
        low = high // 2  # taken (or 0): the first free number is in (low, high]
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if taken(middle) else (low, middle)
        return high

    def get_report(self, report_id: UUID) -> Report:
        return self.get_aggregate(Report, report_id, "report_not_found", "报表不存在")

    def submit(self, actor: UUID, report_id: UUID, *, to_unit: UUID | None) -> int:
        """上报 a generated summary to ``to_unit`` (the unit above its own)."""
        report = self.get_report(report_id)
        report.submit(actor, to_unit=to_unit)
        try:
            return self.save_all(report)
        except IntegrityError:  # a racing copy submitted it first
            raise Conflict("report_already_submitted", "该总结已上报") from None

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
