"""The campaign read models: plans, activities, suggestions, problems, and progress.

One projection ("campaigns") owns all of them, so a batch updates the detail rows and the
progress rows in the same transaction and a rebuild replays them together: one name, one
position. It is made of four parts, one module each:

* :mod:`.batch` — the rows a batch reads and writes, held in memory and written once;
* :mod:`.details` — plan, activity, suggestion and problem rows (and the outbox rows of the
  "upstream changed" policy);
* :mod:`.unit_tree` — the campaigns' own mirror of the organisation tree;
* :mod:`.rollup` with :mod:`.own_figures` and :mod:`.assessment` — the progress rows: own
  figures from the detail rows, totals rolled up the tree, stored lights.

Progress is kept per (node, campaign) in ``ProgressRow``; requirements come from the
released content of the nearest released plan at or above the unit, looked up when the
figures are computed, and a release recounts the plan's subtree: so the tables are the same
whatever the batching (docs/progress.md states the rules).

Batches (set-based). The runner may call :meth:`CampaignProjection.begin_batch` and
:meth:`~CampaignProjection.end_batch` around a batch. ``apply`` only collects the events;
``end_batch`` prefetches the rows they name, applies them in order and settles. Without the
hooks, each event is its own batch (correct, slower).

Dispatch is explicit: :data:`CampaignProjection.HANDLERS` maps each event class to its
handler, and the projection reads exactly those topics; :data:`CampaignProjection.IGNORED`
names what it leaves alone on purpose (tests/unit/test_projection_dispatch.py checks that
every event of the write side is one or the other).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Notification

from taolun.events.audit.reads import HistoryRead
from taolun.events.campaigns import Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import RequestIndex
from taolun.events.reports.report import Report
from taolun.projections.campaigns.assessment import (
    FRAME_FIELDS,
    NAME,
    assess_campaign,
    campaign_frame,
    frame_of,
    node_light,
    refresh_lights,
    time_zone,
)
from taolun.projections.campaigns.batch import OWNED, Batch
from taolun.projections.campaigns.details import DetailRows
from taolun.projections.campaigns.unit_tree import UnitTree
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import EmailIndex, SiblingCode, Tenant, User

__all__ = [
    "FRAME_FIELDS", "CampaignProjection", "assess_campaign", "campaign_frame", "frame_of", "node_light",
    "refresh_lights", "time_zone",
]


class CampaignProjection(DetailRows, UnitTree, Projection):
    name = NAME
    HANDLERS: dict[type, Callable[..., None]] = {**DetailRows.HANDLERS, **UnitTree.HANDLERS}
    # Left alone on purpose: an aggregate named here contributes nothing to these tables.
    IGNORED: frozenset[type] = frozenset({
        Suggestion.AuthorUnmasked,  # an auditor's read, recorded on the write side only
        Tenant.ChildAttached, Tenant.ChildDetached,  # the parent's side of Registered / Moved
        User, SiblingCode, EmailIndex, RequestIndex,
        UnitPlan,  # the write side's "one plan per unit" index: the plan's own events say it all
        Report,  # report jobs: the reports projection keeps them
        HistoryRead,  # an auditor's read: the history projection keeps it
    })
    topics = topics_of(*HANDLERS)
    tables = OWNED  # every table it owns, filled as shadows by a rebuild

    def __init__(self) -> None:
        self._batch = None
        # During a replay: the (campaign, node) pairs whose own figures are stale and the
        # subtrees to recount, carried from batch to batch (see begin_replay).
        self._carried: tuple[dict, set] | None = None

    def begin_replay(self) -> None:
        """A rebuild begins: batches write their detail rows but leave the own figures stale
        until the replay ends (or a structural event settles them), so each node's figures
        are computed once instead of once per batch — the figures are a function of the
        detail rows, the same whenever they are computed."""
        self._carried = (defaultdict(set), set())

    def end_replay(self) -> None:
        """The replay reached its end: settle every figure still stale."""
        self.begin_batch()
        try:
            self.settle()
        finally:
            self._batch, self._carried = None, None

    def begin_batch(self) -> None:
        """Called by the runner inside the batch's transaction, before its first event."""
        self._batch = Batch()
        if self._carried is not None:
            self._batch.stale, self._batch.recount = self._carried

    def end_batch(self) -> None:
        """Called by the runner inside the batch's transaction, after its last event and
        before the position is written: writes everything the batch changed."""
        if self._batch is not None:
            try:
                events, self.b.events = self.b.events, []
                self.b.prefetch(events)
                for event in events:
                    self._dispatch(event)
                if self._carried is None:
                    self.settle()
                else:
                    self.flush()
                    self._carried = (self.b.stale, self.b.recount)
            finally:
                self._batch = None

    def apply(self, event: Any, notification: Notification) -> None:
        if self._batch is not None:
            self.b.events.append(event)  # applied in order by end_batch, after a prefetch
            return
        self.begin_batch()  # no batch hooks: the event is a batch of its own
        try:
            self._dispatch(event)
            self.settle()
        finally:
            self._batch = None

    def _dispatch(self, event: Any) -> None:
        self.HANDLERS[type(event)](self, event)

    def forget(self) -> None:
        self._batch, self._carried = None, None

    def clear(self) -> None:
        self._batch = None
        for model in OWNED:
            model.objects.all().delete()
        # Outbox rows are kept: their stable keys make the replay a no-op.
