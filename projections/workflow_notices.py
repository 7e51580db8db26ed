"""Projection: one outbox row per event that someone must be told about at once (a plan
submitted, returned, approved …). The row is written in the projection's transaction, keyed
by the rule and the event's position in the log, so a batch applied twice (a retry, a
rebuild) queues nothing twice; the worker's effect
(``taolun.notifications.workflow.deliver_workflow_notice``) finds the recipients and claims
each inbox notice by its own key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from taolun.events.audit.reads import HistoryRead
from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import RequestIndex
from taolun.events.reports.report import Report
from taolun.projections.models import OutboxMessage
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import EmailIndex, SiblingCode, Tenant, User

ACTOR = "deliver_workflow_notice"


def _queue(rule: str, event: Any, notification: Notification, **fields: Any) -> None:
    OutboxMessage.objects.get_or_create(
        key=f"notice:{rule}:{notification.id}",
        defaults={"actor_name": ACTOR, "payload": {
            "rule": rule, "subject_id": str(event.originator_id), "position": notification.id,
            "actor": str(event.actor) if getattr(event, "actor", None) else None, **fields}},
    )


def _other_events(aggregates: tuple[type, ...], handled: dict[type, Any]) -> frozenset[type]:
    return frozenset(cls for agg in aggregates for cls in vars(agg).values()
                     if isinstance(cls, type) and issubclass(cls, Aggregate.Event) and cls not in handled)


class WorkflowNoticesProjection(Projection):
    name = "workflow_notices"

    def published(self, e: Plan.Published, n: Notification) -> None:
        _queue("campaign_published", e, n, unit_ids=[str(u) for u in e.unit_ids],
               derive_deadline=e.derive_deadline)

    def submitted(self, e: Plan.Submitted, n: Notification) -> None:
        _queue("plan_submitted", e, n)

    def approved(self, e: Plan.Approved, n: Notification) -> None:
        _queue("plan_approved", e, n, comment=e.comment)

    def plan_returned(self, e: Plan.Returned, n: Notification) -> None:
        _queue("plan_returned", e, n, reasons=list(e.reasons))

    def upstream_changed(self, e: Plan.UpstreamChanged, n: Notification) -> None:
        _queue("upstream_changed", e, n, parent_version=e.parent_version)

    def activity_returned(self, e: Activity.Returned, n: Notification) -> None:
        _queue("activity_returned", e, n, reason=e.reason)

    def answered(self, e: Suggestion.Answered, n: Notification) -> None:
        _queue("suggestion_answered", e, n, answer=e.answer)

    def verified(self, e: Problem.Verified, n: Notification) -> None:
        _queue("rectification_verified", e, n, note=e.note)

    def reopened(self, e: Problem.Reopened, n: Notification) -> None:
        _queue("rectification_reopened", e, n, reason=e.reason)

    HANDLERS: dict[type, Callable[..., None]] = {
        Plan.Published: published, Plan.Submitted: submitted, Plan.Approved: approved,
        Plan.Returned: plan_returned, Plan.UpstreamChanged: upstream_changed,
        Activity.Returned: activity_returned, Suggestion.Answered: answered,
        Problem.Verified: verified, Problem.Reopened: reopened,
    }
    # Left alone on purpose: every other event of these aggregates tells nobody at once
    # (deadlines are the reminder scan's), and the tenancy and index aggregates as a whole.
    IGNORED: frozenset[type] = _other_events((Plan, Activity, Suggestion, Problem), HANDLERS) | {
        Tenant, SiblingCode, EmailIndex, User, RequestIndex, UnitPlan, Report,
        HistoryRead}
    topics = topics_of(*HANDLERS)

    def apply(self, event: Any, notification: Notification) -> None:
        self.HANDLERS[type(event)](self, event, notification)

    def clear(self) -> None:
        # A rebuild must not tell anyone again: rows are kept, their keys make it a no-op.
        pass
