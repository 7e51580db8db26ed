"""Report events → the job list, and the outbox row that hands a requested report to a worker
(written in the projection's transaction: a request is queued exactly once, never lost)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Notification

from taolun.events.audit.reads import HistoryRead
from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import RequestIndex
from taolun.events.reports.report import KINDS, Report
from taolun.tenants.domainmodel import EmailIndex, SiblingCode, Tenant, User
from taolun.notifications.reports.models import ReportJob
from taolun.projections.models import OrgNode, OutboxMessage, PlanRow
from taolun.projections.runner import Projection, topics_of

GENERATE_ACTOR = "generate_report"


def outbox_key(report_id: object) -> str:
    return f"report:{report_id}"


def _subject_path(subject_type: str, subject_id: object) -> str:
    model = PlanRow if subject_type == "plan" else OrgNode
    return model.objects.filter(pk=subject_id).values_list("path", flat=True).first() or ""


class ReportsProjection(Projection):
    name = "reports"
    tables = (ReportJob,)

    def requested(self, event: Report.Requested, notification: Notification) -> None:
        subject_type = KINDS[event.kind][0]
        ReportJob.objects.get_or_create(id=event.originator_id, defaults={
            "kind": event.kind, "format": event.format, "subject_type": subject_type,
            "subject_id": event.subject_id, "campaign_id": event.campaign_id,
            "for_unit": event.tenant_id, "requested_by": event.actor,
            "path": _subject_path(subject_type, event.subject_id), "options": event.options,
            "requested_at": event.timestamp,
        })
        OutboxMessage.objects.get_or_create(
            key=outbox_key(event.originator_id),
            defaults={"actor_name": GENERATE_ACTOR, "payload": {"report_id": str(event.originator_id)}},
        )

    def generated(self, event: Report.Generated, notification: Notification) -> None:
        ReportJob.objects.filter(pk=event.originator_id).update(
            status="done", progress=100, sha256=event.sha256, size=event.size,
            filename=event.filename, computed_at=event.computed_at, finished_at=event.timestamp,
        )

    def failed(self, event: Report.Failed, notification: Notification) -> None:
        ReportJob.objects.filter(pk=event.originator_id).update(
            status="failed", reason=event.reason, finished_at=event.timestamp,
        )

    def submitted(self, event: Report.Submitted, notification: Notification) -> None:
        path = OrgNode.objects.filter(pk=event.to_unit).values_list("path", flat=True).first() or ""
        ReportJob.objects.filter(pk=event.originator_id).update(
            submitted_to=event.to_unit, submitted_path=path, submitted_by=event.actor,
            submitted_at=event.timestamp,
        )

    HANDLERS: dict[type, Callable[..., None]] = {
        Report.Requested: requested, Report.Generated: generated, Report.Failed: failed,
        Report.Submitted: submitted,
    }
    # Left alone on purpose: every other aggregate (report jobs read only their own events).
    IGNORED: frozenset[type] = frozenset({
        Tenant, User, SiblingCode, EmailIndex, RequestIndex, Plan, Activity, Suggestion, Problem,
        UnitPlan, HistoryRead,
    })
    topics = topics_of(*HANDLERS)

    def apply(self, event: Any, notification: Notification) -> None:
        self.HANDLERS[type(event)](self, event, notification)

    def clear(self) -> None:
        # The files and their events stay; a rebuild re-creates every row from them. Outbox
        # rows are kept (their stable keys make the replay a no-op).
        ReportJob.objects.all().delete()
