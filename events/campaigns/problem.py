"""The Problem aggregate: a 问题清单 item and its rectification (整改)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from taolun.events.campaigns import rules
from taolun.events.kernel import DomainError, TaolunAggregate

if TYPE_CHECKING:
    from taolun.events.campaigns.plan import Plan


class Problem(TaolunAggregate):
    """A 问题清单 item and its rectification (整改)."""

    @event("Recorded")
    def __init__(
        self, *, tenant_id: UUID, actor: UUID, plan_id: UUID, description: str, category: str,
        source: str,
    ) -> None:
        self.tenant_id = tenant_id
        self.plan_id = plan_id
        self.description, self.category, self.source = description, category, source
        self.rectification: dict[str, Any] | None = None
        self.status = "open"
        self.progress: list[dict[str, Any]] = []
        self.completion: dict[str, Any] | None = None

    @classmethod
    def record(
        cls, *, tenant_id: UUID, actor: UUID, plan: Plan, description: str, category: str,
        source: str = "",
    ) -> Problem:
        return cls(
            tenant_id=tenant_id, actor=actor, plan_id=plan.id,
            description=rules.text(description, "description"),
            category=rules.problem_category(category),
            source=rules.text(source, "source", required=False, max_length=200),
        )

    def plan_rectification(
        self, actor: UUID, *, measures: Iterable[str], lead_leader: str,
        responsible_units: Iterable[str], deadline: Any,
    ) -> None:
        """Set (or revise) the measures, 牵头领导, 责任单位 and 整改时限."""
        if self.status not in ("open", "rectifying"):
            raise DomainError("problem_not_open", "问题已整改完成，修改请先重新打开", status=self.status)
        rectification = {
            "measures": rules.text_list(list(measures), "measures", required=True),
            "lead_leader": rules.text(lead_leader, "lead_leader", max_length=100),
            "responsible_units": rules.text_list(list(responsible_units), "responsible_units", required=True),
            "deadline": rules.iso_date(deadline, "deadline"),
        }
        self._rectification_planned(tenant_id=self.tenant_id, actor=actor, rectification=rectification)

    @event("RectificationPlanned")
    def _rectification_planned(self, tenant_id: UUID, actor: UUID, rectification: dict[str, Any]) -> None:
        self.rectification = rectification
        self.status = "rectifying"

    def _check_rectifying(self) -> None:
        if self.rectification is None:
            raise DomainError("rectification_not_planned", "尚未制定整改措施")
        if self.status != "rectifying":
            raise DomainError("problem_not_rectifying", "问题不在整改中", status=self.status)

    def report_progress(self, actor: UUID, *, note: str, percent: int | None = None,
                        evidence: Any = None) -> None:
        self._check_rectifying()
        if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int)
                                    or not 0 <= percent <= 100):
            raise DomainError("invalid_number", "进度须为0到100的整数", field="percent")
        self._progress_reported(tenant_id=self.tenant_id, actor=actor, note=rules.text(note, "note"),
                                percent=percent, evidence=rules.evidence(evidence))

    @event("ProgressReported")
    def _progress_reported(self, tenant_id: UUID, actor: UUID, note: str, percent: int | None,
                           evidence: list[dict[str, Any]]) -> None:
        self.progress.append({"note": note, "percent": percent, "evidence": evidence})

    def complete(self, actor: UUID, *, summary: str, evidence: Any) -> None:
        self._check_rectifying()
        refs = rules.evidence(evidence)
        if not refs:
            raise DomainError("evidence_required", "整改完成须提供佐证材料", field="evidence")
        self._completed(tenant_id=self.tenant_id, actor=actor, summary=rules.text(summary, "summary"),
                        evidence=refs)

    @event("Completed")
    def _completed(self, tenant_id: UUID, actor: UUID, summary: str, evidence: list[dict[str, Any]]) -> None:
        self.status = "completed"
        self.completion = {"summary": summary, "evidence": evidence}

    def verify(self, actor: UUID, note: str = "") -> None:
        """The parent confirms the rectification (销号)."""
        if self.status != "completed":
            raise DomainError("problem_not_completed", "整改未完成，不能验收", status=self.status)
        self._verified(tenant_id=self.tenant_id, actor=actor, note=rules.text(note, "note", required=False))

    @event("Verified")
    def _verified(self, tenant_id: UUID, actor: UUID, note: str) -> None:
        self.status = "verified"

    def reopen(self, actor: UUID, reason: str) -> None:
        if self.status not in ("completed", "verified"):
            raise DomainError("problem_not_completed", "整改未完成，无需重新打开", status=self.status)
        self._reopened(tenant_id=self.tenant_id, actor=actor, reason=rules.text(reason, "reason"))

    @event("Reopened")
    def _reopened(self, tenant_id: UUID, actor: UUID, reason: str) -> None:
        self.status = "rectifying"
        self.completion = None
