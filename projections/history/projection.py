"""Every event of the log → one ``HistoryEntry`` (buffered per batch as plain tuples, one
set-based insert: the history is as long as the log, so a row must cost little)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from taolun.events.audit.reads import HistoryRead
from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import RequestIndex
from taolun.events.reports.report import Report
from taolun.projections.history.models import HistoryEntry
from taolun.projections.bulk import insert_tuples
from taolun.projections.models import UserAccount
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import EmailIndex, SiblingCode, Tenant, User

# The envelope every event carries: shown in the entry's own columns, not in its data.
ENVELOPE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "tenant_id",
                      "actor"})
# Never shown to anyone, not even an auditor: a credential's digest.
SECRET_FIELDS = frozenset({"token_hash"})


def event_type(event: Any) -> str:
    """``Aggregate.Event``: the class's qualified name (stable across module moves)."""
    return type(event).__qualname__


# The columns of a buffered row, in order.
COLUMNS = ("position", "recorded_at", "event_type", "aggregate_id", "aggregate_kind", "version", "unit_id",
           "actor_id", "data")


def event_data(event: Any) -> dict[str, Any]:
    """The event's own fields (the JSON column turns them into text: UUIDs, numbers, times
    as :func:`taolun.projections.jsonable.dumps` writes them)."""
    return {k: v for k, v in vars(event).items() if k not in ENVELOPE and k not in SECRET_FIELDS}


class HistoryProjection(Projection):
    name = "history"
    tables = (HistoryEntry,)  # a rebuild fills its shadow and swaps it in
    write_only_tables = (HistoryEntry,)  # never read while folding: its shadow needs no index
    reads_every_event = True  # the history is the whole log (IGNORED is empty)

    def __init__(self) -> None:
        self._rows: list[tuple] = []
        self._in_batch = False

    def begin_batch(self) -> None:
        self._rows = []
        self._in_batch = True

    def end_batch(self) -> None:
        try:
            self._flush()
        finally:
            self._in_batch = False

    def _flush(self) -> None:
        if self._rows:
            insert_tuples(HistoryEntry, COLUMNS, self._rows)
            self._rows = []

    def apply(self, event: Any, notification: Notification) -> None:
        self.HANDLERS[type(event)](self, event, notification)
        if not self._in_batch:  # driven without the batch hooks: write through
            self._flush()

    def clear(self) -> None:
        self._rows = []
        HistoryEntry.objects.all().delete()

    # -- handlers ------------------------------------------------------------------------

    def record(self, event: Any, notification: Notification, unit_id: UUID | None = None,
               actor_id: UUID | None = None, hide_actor: bool = False) -> None:
        kind = event_type(event)
        self._rows.append((
            notification.id, event.timestamp, kind, event.originator_id, kind.split(".")[0],
            event.originator_version, unit_id or getattr(event, "tenant_id", None),
            None if hide_actor else (actor_id or getattr(event, "actor", None)), event_data(event),
        ))

    def record_user_event(self, event: Any, notification: Notification) -> None:
        """A user's event without a node (a token revoked) belongs to the user's home."""
        home = None
        if getattr(event, "tenant_id", None) is None:
            home = UserAccount.objects.filter(pk=event.originator_id).values_list("home_id", flat=True).first()
        self.record(event, notification, unit_id=home)

    def record_suggestion(self, event: Suggestion.Submitted, notification: Notification) -> None:
        """An anonymous suggestion's author stays hidden here too (unmasking is its own,
        recorded, read: ``Suggestion.AuthorUnmasked``)."""
        self.record(event, notification, hide_actor=bool(event.anonymous))

    HANDLERS: dict[type, Callable[..., None]] = {
        # the tree, its index of codes
        Tenant.Registered: record, Tenant.Renamed: record, Tenant.Moved: record,
        Tenant.Archived: record, Tenant.ChildAttached: record, Tenant.ChildDetached: record,
        SiblingCode.Claimed: record, SiblingCode.Reclaimed: record, SiblingCode.Released: record,
        # users, grants, tokens, e-mail index
        User.Registered: record_user_event, User.RoleGranted: record_user_event,
        User.RoleRevoked: record_user_event, User.TokenIssued: record_user_event,
        User.TokenRevoked: record_user_event, User.PasswordSet: record_user_event,
        EmailIndex.Claimed: record,
        RequestIndex.Claimed: record,
        # plans
        Plan.Created: record, Plan.HeaderRevised: record, Plan.LeadingGroupSet: record,
        Plan.TopicAdded: record, Plan.TopicRevised: record, Plan.TopicRemoved: record,
        Plan.TopicDeclined: record, Plan.TopicAccepted: record, Plan.PhaseAdded: record,
        Plan.PhaseRevised: record, Plan.PhaseRemoved: record, Plan.TaskAdded: record,
        Plan.TaskRevised: record, Plan.TaskRemoved: record, Plan.TaskAssigned: record,
        Plan.TaskUnassigned: record, Plan.RequirementAdded: record, Plan.RequirementRemoved: record,
        Plan.ProgressSettingsChanged: record, Plan.VersionReleased: record, Plan.Published: record,
        Plan.Reopened: record, Plan.AmendmentPublished: record, Plan.Submitted: record,
        Plan.Approved: record, Plan.Returned: record, Plan.UpstreamChanged: record,
        Plan.Rebased: record, UnitPlan.Claimed: record,
        # the units' records
        Activity.Logged: record, Activity.Corrected: record, Activity.Retracted: record,
        Activity.Returned: record,
        Suggestion.Submitted: record_suggestion, Suggestion.AuthorUnmasked: record,
        Suggestion.Categorised: record, Suggestion.Adopted: record, Suggestion.Answered: record,
        Problem.Recorded: record, Problem.RectificationPlanned: record,
        Problem.ProgressReported: record, Problem.Completed: record, Problem.Verified: record,
        Problem.Reopened: record,
        # reports, and the auditors' own reads
        Report.Requested: record, Report.Generated: record, Report.Failed: record,
        Report.Submitted: record,
        HistoryRead.Recorded: record,
    }
    # The history is the whole log: nothing is left out.
    IGNORED: frozenset[type] = frozenset()
    topics = topics_of(*HANDLERS)
