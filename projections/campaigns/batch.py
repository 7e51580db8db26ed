"""Batching: the rows a batch reads and writes, held in memory and written once.

Handlers only touch in-memory rows (loaded once per batch, created or changed in memory)
and mark (campaign, node) pairs whose own figures are stale; the roll-up settles the batch
(:meth:`~taolun.projections.campaigns.rollup.Rollup.settle`): it writes the rows with
:func:`~taolun.projections.bulk.insert_many` (COPY on PostgreSQL) and
:func:`~taolun.projections.bulk.update_many`, then the figures.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.projections.bulk import insert_many, update_many
from taolun.projections.models import (
    ActivityRow,
    CampaignUnit,
    EvidenceRef,
    PlanRow,
    ProblemRow,
    ProgressRow,
    SuggestionRow,
    TaskAssignment,
)
from taolun.tenants.domainmodel import Tenant

CHUNK = 500
# The events that begin an aggregate, whose row a batch creates.
CREATED = (Plan.Created, Activity.Logged, Suggestion.Submitted, Problem.Recorded)
# The tables of rows with a path (moved with their subtree), in the order a clear deletes
# them (children first) …
TABLES = (ProgressRow, ActivityRow, SuggestionRow, ProblemRow, PlanRow, EvidenceRef, CampaignUnit)
# … and those without a path (nothing to move with a subtree): every table it owns.
OWNED = (TaskAssignment, *TABLES)


class Rows:
    """Rows of one model read or created during a batch, written once when it settles."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        self.cache: dict[Any, Any] = {}
        self.new: dict[Any, Any] = {}
        self.dirty: set[Any] = set()

    def find(self, pk: Any) -> Any:
        if pk not in self.cache:
            self.cache[pk] = self.model.objects.filter(pk=pk).first()
        return self.cache[pk]

    def get(self, pk: Any) -> Any:
        row = self.find(pk)
        if row is None:
            raise self.model.DoesNotExist(f"{self.model.__name__} {pk}")
        return row

    def add(self, row: Any) -> Any:
        self.cache[row.pk] = self.new[row.pk] = row
        return row

    def touch(self, row: Any) -> None:
        if row.pk not in self.new:
            self.dirty.add(row.pk)

    def flush(self) -> None:
        if self.new:
            insert_many(self.model, list(self.new.values()))
        if self.dirty:
            update_many(self.model, [self.cache[pk] for pk in self.dirty], self.fields)
        self.cache, self.new, self.dirty = {}, {}, set()


def write_assignments(plans: list[PlanRow]) -> None:
    """Rewrite the assignment rows of ``plans`` from their tasks."""
    TaskAssignment.objects.filter(plan_id__in=[p.id for p in plans]).delete()
    rows = [
        TaskAssignment(plan_id=p.id, campaign_id=p.campaign_id, task_id=task_id, node_id=a["unit_id"],
                       assigned_by=p.node_id, title=str(task.get("title", ""))[:500],
                       owner=str(a.get("owner") or "")[:100], due=a.get("due") or task.get("due"))
        for p in plans for task_id, task in sorted(p.tasks.items())
        for a in task.get("assignments") or []
    ]
    TaskAssignment.objects.bulk_create(rows, batch_size=CHUNK)


class Batch:
    """What one batch has read and changed, until it settles."""

    def __init__(self) -> None:
        self.units = Rows(CampaignUnit)
        self.plans = Rows(PlanRow)
        self.acts = Rows(ActivityRow)
        self.suggs = Rows(SuggestionRow)
        self.probs = Rows(ProblemRow)
        self.refs: list[EvidenceRef] = []
        self.task_plans: dict[UUID, PlanRow] = {}  # plans whose tasks changed: assignments to rewrite
        self.stale: dict[tuple[UUID, UUID], set[str]] = defaultdict(set)
        self.progress: dict[tuple[UUID, UUID], ProgressRow | None] = {}
        self.changed: set[tuple[UUID, UUID]] = set()
        self.recount: set[tuple[UUID, str]] = set()  # (campaign, path): subtrees whose requirements changed
        self.roots: list[tuple[UUID, str]] | None = None  # released campaigns: (id, unit path)
        self.events: list[Any] = []

    def tables(self) -> tuple[Rows, ...]:
        return (self.units, self.plans, self.acts, self.suggs, self.probs)

    def flush_details(self) -> None:
        """Write the detail rows and evidence references read or made so far."""
        for rows in self.tables():
            rows.flush()
        if self.refs:
            EvidenceRef.objects.bulk_create(self.refs, batch_size=CHUNK, ignore_conflicts=True)
            self.refs = []
        if self.task_plans:
            write_assignments(list(self.task_plans.values()))
            self.task_plans = {}

    def prefetch(self, events: list[Any]) -> None:
        """The rows the batch's events name (units, plans, entries), one query per table."""
        wanted: dict[Rows, set] = defaultdict(set)
        born: dict[Rows, set] = defaultdict(set)  # rows the batch creates: not there before it
        for e in events:
            if isinstance(e, Tenant.Event):
                wanted[self.units].update(x for x in (e.originator_id, getattr(e, "parent_id", None)) if x)
                continue
            wanted[self.units].add(e.tenant_id)
            if isinstance(e, Plan.Event):
                table = self.plans
            else:
                if isinstance(e, (Suggestion.Submitted, Problem.Recorded)):
                    wanted[self.plans].add(e.plan_id)  # their rows take the plan's campaign
                table = (self.acts if isinstance(e, Activity.Event)
                         else self.suggs if isinstance(e, Suggestion.Event) else self.probs)
            (born if isinstance(e, CREATED) else wanted)[table].add(e.originator_id)
        for rows, ids in born.items():
            # Each event is applied once, so the row its aggregate's first event creates
            # cannot exist yet: nothing to read (most of a replay's rows).
            for i in ids - wanted[rows]:
                rows.cache.setdefault(i, None)
        for rows, ids in wanted.items():
            ids = [i for i in ids if i is not None and i not in rows.cache]
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i:i + CHUNK]
                rows.cache.update(dict.fromkeys(chunk))  # None: not there (yet)
                rows.cache.update({r.pk: r for r in rows.model.objects.filter(pk__in=chunk)})


class InBatch:
    """What every part of the projection shares: the batch being applied."""

    _batch: Batch | None = None

    @property
    def b(self) -> Batch:
        assert self._batch is not None
        return self._batch

    def stale(self, campaign_id: UUID, node_id: UUID, *parts: str) -> None:
        """Mark the own figures of a node (the ``parts`` that changed) for recomputing."""
        self.b.stale[(campaign_id, node_id)].update(parts)
