"""The campaign read models: plans, activities, suggestions, problems, and progress.

One projection ("campaigns") owns all of them, so a batch updates the detail rows and the
progress rows in the same transaction and a rebuild replays them together. It keeps its own
copy of the organisation tree (:class:`CampaignUnit`) and never reads ``OrgNode``: the org
projection runs over the whole batch first, and a rebuild of "campaigns" alone would read
the final tree, not the tree as it stood at each event.

Progress is kept per (node, campaign) in :class:`ProgressRow`. Rows exist for the campaign
unit's live subtree from the campaign's version 1 on; ``expected`` (should derive a plan) and
``obliged`` (bound by per-unit requirements) follow the publication (:func:`coverage`).
A node's ``own`` figures are a function of its detail rows; ``total`` is own plus every
descendant's own, kept by adding deltas up the path. Requirements come from the released
content of the nearest released plan at or above the unit (:func:`_governing_plans`), looked
up when the figures are computed, and a release recounts the plan's subtree: so the tables
are the same whatever the batching (docs/progress.md states the rules). Figures are dated
(activities by day, requirements by the day they became met) so that "done by today" is
computed at read time.

Batches (set-based). The runner may call :meth:`CampaignProjection.begin_batch` and
:meth:`~CampaignProjection.end_batch` around a batch. In between, handlers only touch
in-memory rows (loaded once, created or changed in memory) and mark (campaign, node) pairs
whose own figures are stale. :meth:`~CampaignProjection._settle` (at the end of the batch)
writes the rows with ``bulk_create``/``bulk_update``, recomputes the stale own figures with one
query per detail table, sums the deltas per ancestor and writes every touched progress row
once. Structural events (a campaign released, a derived plan created, a unit registered
under a covered parent, moved, archived or renamed) settle first and then work in SQL on
the settled tables. Without the hooks, each event is its own batch (correct, slower).

Policy (outbox): a ``Plan.VersionReleased`` with ``number > 1`` writes one outbox row per
child plan, keyed ``upstream:<child>:<version>``; the ``mark_upstream_changed`` actor calls the
idempotent ``Campaigns.mark_upstream_changed``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from taolun.events.campaigns import rules
from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.notifications.models import OutboxMessage
from taolun.projections import progress as figures
from taolun.projections.models import (
    ActivityRow,
    CampaignUnit,
    EvidenceRef,
    PlanRow,
    ProblemRow,
    ProgressRow,
    ProjectionPosition,
    SuggestionRow,
)
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import Tenant

ALL_PARTS = frozenset({"plan", "activities", "suggestions", "problems"})
# The progress fields a settle writes (plan ids, paths and parents change only in SQL).
PROGRESS_FIELDS = ["own", "total", "light", "silent", "score", "approved_plans", "plan_status", "upstream_changed",
                   "governing_plan_id", "updated_at"]
CHUNK = 500


def _events(cls: type) -> list[type]:
    return [v for v in vars(cls).values() if isinstance(v, type) and issubclass(v, Aggregate.Event)]


def plan_status(row: PlanRow) -> str:
    """The approval status; a pending upstream change is a flag beside it
    (``ProgressRow.upstream_changed``): an approved plan stays approved, a returned one returned."""
    return row.status


def time_zone() -> str:
    from django.conf import settings

    return settings.TIME_ZONE


FRAME_FIELDS = ("window_start", "window_end", "progress_settings")


def frame_of(row: dict | None) -> tuple[tuple[str, str] | None, dict]:
    """The campaign's window (latest release; ``None`` before) and its light settings, from
    the ``FRAME_FIELDS`` of its plan row."""
    if not row:
        return None, figures.settings_of(None)
    window = (row["window_start"], row["window_end"]) if row["window_start"] else None
    return window, figures.settings_of(row["progress_settings"])


def campaign_frame(campaign_id: UUID) -> tuple[tuple[str, str] | None, dict]:
    return frame_of(PlanRow.objects.filter(pk=campaign_id).values(*FRAME_FIELDS).first())


def parent_path(path: str) -> str:
    """``a/b/c/`` -> ``a/b/`` (``""`` for a root)."""
    trimmed = path.rstrip("/")
    return trimmed[: trimmed.rfind("/") + 1] if "/" in trimmed else ""


def coverage(publication: dict | None, campaign_node: UUID, unit: CampaignUnit) -> tuple[bool, bool]:
    """(expected, obliged) of a unit of the campaign's subtree, from the publication alone,
    so units present at publication, registered later or moved in are treated alike.

    * to the whole subtree: every bureau and school below the campaign unit should derive;
      every branch and office is bound by the per-unit requirements;
    * to chosen units: the chosen units should derive; branches and offices at or below a
      chosen unit are bound (a unit registered later is never a chosen one).
    """
    publication = publication or {"scope": "subtree", "unit_ids": []}
    unit_level = unit.kind in ("branch", "office")
    if publication.get("scope", "subtree") == "subtree":
        return unit.kind in ("bureau", "school") and unit.id != campaign_node, unit_level
    targets = {UUID(str(u)).hex for u in publication.get("unit_ids") or []}
    covered = any(h in targets for h in unit.path.rstrip("/").split("/"))
    return unit.id.hex in targets, covered and unit_level


def update_many(model: type, rows: list, fields: list[str]) -> None:
    """``UPDATE … SET fields WHERE pk`` for each row, as one ``executemany``: Django's
    ``bulk_update`` builds a CASE expression per row and field, which cost more than the
    writes themselves (the profile of the old projection: 60% of a rebuild)."""
    if not rows:
        return
    meta = model._meta
    cols = [meta.get_field(f) for f in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table), ", ".join(f"{quote(c.column)} = %s" for c in cols), quote(meta.pk.column))
    params = [
        [c.get_db_prep_save(getattr(r, c.attname), connection) for c in cols]
        + [meta.pk.get_db_prep_value(r.pk, connection)]
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


class _Rows:
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
            self.model.objects.bulk_create(list(self.new.values()), batch_size=CHUNK)
        if self.dirty:
            update_many(self.model, [self.cache[pk] for pk in self.dirty], self.fields)
        self.cache, self.new, self.dirty = {}, {}, set()


class _Batch:
    def __init__(self) -> None:
        self.units = _Rows(CampaignUnit)
        self.plans = _Rows(PlanRow)
        self.acts = _Rows(ActivityRow)
        self.suggs = _Rows(SuggestionRow)
        self.probs = _Rows(ProblemRow)
        self.refs: list[EvidenceRef] = []
        self.stale: dict[tuple[UUID, UUID], set[str]] = defaultdict(set)
        self.progress: dict[tuple[UUID, UUID], ProgressRow | None] = {}
        self.changed: set[tuple[UUID, UUID]] = set()
        self.recount: set[tuple[UUID, str]] = set()  # (campaign, path): subtrees whose requirements changed
        self.roots: list[tuple[UUID, str]] | None = None  # released campaigns: (id, unit path)
        self.events: list[Any] = []

    def tables(self) -> tuple[_Rows, ...]:
        return (self.units, self.plans, self.acts, self.suggs, self.probs)


class CampaignProjection(Projection):
    name = "campaigns"
    topics = topics_of(
        *_events(Plan), *_events(Activity), *_events(Suggestion), *_events(Problem),
        Tenant.Registered, Tenant.Renamed, Tenant.Moved, Tenant.Archived,
    )

    def __init__(self) -> None:
        self._batch: _Batch | None = None

    # ================================================================== batches

    def begin_batch(self) -> None:
        """Called by the runner inside the batch's transaction, before its first event."""
        self._batch = _Batch()

    def end_batch(self) -> None:
        """Called by the runner inside the batch's transaction, after its last event and
        before the position is written: writes everything the batch changed."""
        if self._batch is not None:
            try:
                events, self.b.events = self.b.events, []
                self._prefetch(events)
                for event in events:
                    self._dispatch(event)
                self._settle()
            finally:
                self._batch = None

    def _prefetch(self, events: list[Any]) -> None:
        """The rows the batch's events name (units, plans, entries), one query per table."""
        wanted: dict[_Rows, set] = defaultdict(set)
        b = self.b
        for e in events:
            if isinstance(e, Tenant.Event):
                wanted[b.units].update(x for x in (e.originator_id, getattr(e, "parent_id", None)) if x)
                continue
            wanted[b.units].add(e.tenant_id)
            if isinstance(e, Plan.Event):
                wanted[b.plans].add(e.originator_id)
            else:
                wanted[b.plans].add(getattr(e, "plan_id", None))
                table = b.acts if isinstance(e, Activity.Event) else b.suggs if isinstance(e, Suggestion.Event) else b.probs
                wanted[table].add(e.originator_id)
        for rows, ids in wanted.items():
            ids = [i for i in ids if i is not None and i not in rows.cache]
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i:i + CHUNK]
                rows.cache.update(dict.fromkeys(chunk))  # None: not there (yet)
                rows.cache.update({r.pk: r for r in rows.model.objects.filter(pk__in=chunk)})

    def apply(self, event: Any, notification: Notification) -> None:
        if self._batch is not None:
            self.b.events.append(event)  # applied in order by end_batch, after a prefetch
            return
        self.begin_batch()  # no batch hooks: the event is a batch of its own
        try:
            self._dispatch(event)
            self._settle()
        finally:
            self._batch = None

    def _dispatch(self, event: Any) -> None:
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(event)
        elif isinstance(event, Plan.Event):
            self._touch_plan(event)

    def clear(self) -> None:
        self._batch = None
        for model in (ProgressRow, ActivityRow, SuggestionRow, ProblemRow, PlanRow, EvidenceRef,
                      CampaignUnit):
            model.objects.all().delete()
        # Outbox rows are kept: their stable keys make the replay a no-op.

    @property
    def b(self) -> _Batch:
        assert self._batch is not None
        return self._batch

    def _stale(self, campaign_id: UUID, node_id: UUID, *parts: str) -> None:
        self.b.stale[(campaign_id, node_id)].update(parts)

    def _progress(self, campaign_id: UUID, node_id: UUID) -> ProgressRow | None:
        key = (campaign_id, node_id)
        if key not in self.b.progress:
            self.b.progress[key] = ProgressRow.objects.filter(
                campaign_id=campaign_id, node_id=node_id).first()
        return self.b.progress[key]

    def _settle(self) -> None:
        """Write the batch so far: detail rows, then the stale own figures and their
        roll-ups; the in-memory state starts afresh."""
        b = self.b
        for rows in b.tables():
            rows.flush()
        if b.refs:
            EvidenceRef.objects.bulk_create(b.refs, batch_size=CHUNK, ignore_conflicts=True)
            b.refs = []
        recount, b.recount = b.recount, set()
        for campaign_id, path in sorted(recount):
            for node_id in ProgressRow.objects.filter(
                campaign_id=campaign_id, path__startswith=path
            ).values_list("node_id", flat=True):
                self._stale(campaign_id, node_id, "reqs")
        if b.stale:
            stale, b.stale = b.stale, defaultdict(set)
            self._recompute(stale)
        self._write_progress()
        b.progress, b.roots = {}, None

    def _write_progress(self) -> None:
        b = self.b
        if b.changed:
            rows = [b.progress[k] for k in b.changed if b.progress.get(k) is not None]
            update_many(ProgressRow, rows, PROGRESS_FIELDS)
            b.changed = set()

    # ================================================================== plans

    def _touch_plan(self, e: Any, **fields: Any) -> PlanRow:
        row = self.b.plans.get(e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        row.version, row.updated_at = e.originator_version, e.timestamp
        self.b.plans.touch(row)
        return row

    def on_Plan_Created(self, e: Plan.Created) -> None:
        unit = self.b.units.get(e.tenant_id)
        campaign_id = e.campaign_id or e.originator_id
        row = self.b.plans.add(PlanRow(
            id=e.originator_id, campaign_id=campaign_id, parent_id=e.parent_id,
            node_id=e.tenant_id, path=unit.path, kind=e.kind, title=e.header.get("title", ""),
            status="draft", version=e.originator_version, parent_version=e.parent_version,
            phases=e.sections["phases"], requirements=e.sections["requirements"],
            updated_at=e.timestamp,
        ))
        if e.kind != "derived":
            return
        self._settle()
        ProgressRow.objects.filter(campaign_id=campaign_id, node_id=e.tenant_id).update(
            plan_id=row.id, plan_status="draft"
        )
        self._stale(campaign_id, e.tenant_id, "plan")
        # A draft binds nobody: the plan governs its subtree from its first release on.

    def on_Plan_HeaderRevised(self, e) -> None:
        if "title" in e.changes:
            self._touch_plan(e, title=e.changes["title"])
        else:
            self._touch_plan(e)

    def _edit_section(self, e, section: str, change) -> PlanRow:
        row = self._touch_plan(e)
        items = dict(getattr(row, section))
        change(items)
        setattr(row, section, items)
        return row

    def on_Plan_PhaseAdded(self, e) -> None:
        self._edit_section(e, "phases", lambda items: items.__setitem__(e.phase["id"], e.phase))

    def on_Plan_PhaseRevised(self, e) -> None:
        self._edit_section(e, "phases", lambda items: items.__setitem__(
            e.phase_id, {**items[e.phase_id], **e.changes}))

    def on_Plan_PhaseRemoved(self, e) -> None:
        self._edit_section(e, "phases", lambda items: items.pop(e.phase_id, None))

    def on_Plan_RequirementAdded(self, e) -> None:
        self._edit_section(e, "requirements", lambda items: items.__setitem__(
            e.requirement["id"], e.requirement))

    def on_Plan_RequirementRemoved(self, e) -> None:
        self._edit_section(e, "requirements", lambda items: items.pop(e.requirement_id, None))

    def on_Plan_Published(self, e) -> None:
        row = self.b.plans.get(e.originator_id)
        self._touch_plan(
            e, publication={"scope": e.scope, "unit_ids": [str(u) for u in e.unit_ids],
                            "derive_deadline": e.derive_deadline},
            **({"status": "published"} if row.kind == "campaign" else {}),
        )

    def on_Plan_VersionReleased(self, e) -> None:
        row = self._touch_plan(e, released_version=e.number, released={
            "phases": e.content["phases"], "requirements": e.content["requirements"]})
        if row.kind == "campaign":
            window = rules.overall_window(e.content["phases"].values())
            row.window_start, row.window_end = window or ("", "")
            self._settle()
            if e.number == 1:
                self._add_subtree(row, CampaignUnit.objects.get(pk=row.node_id), None)
            else:
                assess_campaign(row.campaign_id)  # the window may have moved
        if row.kind == "campaign" and e.number == 1:
            return  # the subtree's rows were just built from the released content
        # What binds the plan's subtree changed (requirements, phase dates; or the plan
        # begins to govern): everything below is recounted when the batch settles.
        self.b.recount.add((row.campaign_id, row.path))
        if e.number > 1:
            self._settle()  # every child plan is written
            for child in PlanRow.objects.filter(parent_id=row.id).values_list("id", flat=True):
                OutboxMessage.objects.get_or_create(
                    key=f"upstream:{child}:{e.number}",
                    defaults={"actor_name": "mark_upstream_changed",
                              "payload": {"child_plan_id": str(child), "parent_version": e.number}},
                )

    def on_Plan_ProgressSettingsChanged(self, e) -> None:
        row = self.b.plans.get(e.originator_id)
        self._touch_plan(e, progress_settings={**row.progress_settings, **e.settings})
        self._settle()
        assess_campaign(row.campaign_id)  # the stored lights follow the new thresholds

    def _plan_status_changed(self, e, **fields: Any) -> PlanRow:
        row = self._touch_plan(e, **fields)
        if row.kind == "derived":
            progress = self._progress(row.campaign_id, row.node_id)
            if progress is not None:
                progress.plan_status = plan_status(row)
                progress.upstream_changed = row.upstream_version is not None
                self.b.changed.add((row.campaign_id, row.node_id))
                self._stale(row.campaign_id, row.node_id, "plan")
        return row

    def on_Plan_Reopened(self, e) -> None:
        kind = self.b.plans.get(e.originator_id).kind
        self._plan_status_changed(e, status="amending" if kind == "campaign" else "draft")

    def on_Plan_AmendmentPublished(self, e) -> None:
        self._touch_plan(e, status="published")

    def on_Plan_Submitted(self, e) -> None:
        row = self.b.plans.get(e.originator_id)
        self._plan_status_changed(e, status="submitted", submissions=row.submissions + 1)

    def on_Plan_Approved(self, e) -> None:
        self._plan_status_changed(e, status="approved", return_reasons=[])

    def on_Plan_Returned(self, e) -> None:
        self._plan_status_changed(e, status="returned", return_reasons=e.reasons)

    def on_Plan_UpstreamChanged(self, e) -> None:
        self._plan_status_changed(e, upstream_version=e.parent_version, conflicts=e.conflicts)

    def on_Plan_Rebased(self, e) -> None:
        self._plan_status_changed(
            e, upstream_version=None, conflicts=[], parent_version=e.parent_version,
            phases=e.sections["phases"], requirements=e.sections["requirements"],
        )

    # ================================================================== activities

    def _evidence(self, kind: str, object_id: UUID, path: str, refs: Iterable[dict] | None) -> None:
        for ref in refs or []:
            self.b.refs.append(EvidenceRef(
                sha256=str(ref["sha256"]).lower(), object_id=object_id, object_kind=kind,
                path=path, filename=str(ref.get("filename") or "")[:255]))

    def on_Activity_Logged(self, e) -> None:
        unit = self.b.units.get(e.tenant_id)
        data = {k: getattr(e, k) for k in ("location", "roster", "leaders", "summary", "outcomes",
                                           "topic_ids", "evidence")}
        data["history"] = []
        self.b.acts.add(ActivityRow(
            id=e.originator_id, campaign_id=e.campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=unit.path, logged_by=e.actor, kind=e.kind, title=e.title, start=e.start, end=e.end,
            participants=e.participants or 0, hours=e.hours, phase_id=e.phase_id, task_id=e.task_id,
            status="logged", data=_jsonable(data), logged_at=e.timestamp, updated_at=e.timestamp,
        ))
        self._evidence("activity", e.originator_id, unit.path, e.evidence)
        self._stale(e.campaign_id, e.tenant_id, "activities")

    def _activity_changed(self, e, status: str, reason: str, changes: dict | None = None) -> None:
        row = self.b.acts.get(e.originator_id)
        data = dict(row.data)
        for k, v in (changes or {}).items():
            if k in ("kind", "title", "start", "end", "participants", "hours", "phase_id", "task_id"):
                setattr(row, k, v)
            else:
                data[k] = v
        data["history"] = [*data.get("history", []), {
            "event": type(e).__qualname__.split(".")[-1].lower(), "reason": reason,
            "actor": str(e.actor), "at": e.timestamp.isoformat(),
        }]
        row.data, row.status, row.updated_at = _jsonable(data), status, e.timestamp
        self.b.acts.touch(row)
        self._evidence("activity", row.id, row.path, (changes or {}).get("evidence"))
        self._stale(row.campaign_id, row.node_id, "activities")

    def on_Activity_Corrected(self, e) -> None:
        self._activity_changed(e, "logged", e.reason, e.changes)

    def on_Activity_Retracted(self, e) -> None:
        self._activity_changed(e, "retracted", e.reason)

    def on_Activity_Returned(self, e) -> None:
        self._activity_changed(e, "returned", e.reason)

    # ================================================================== suggestions

    def on_Suggestion_Submitted(self, e) -> None:
        unit = self.b.units.get(e.tenant_id)
        campaign_id = self.b.plans.get(e.plan_id).campaign_id
        self.b.suggs.add(SuggestionRow(
            id=e.originator_id, campaign_id=campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=unit.path, author=e.actor, anonymous=e.anonymous, title=e.title, content=e.content,
            status="submitted", topic_ids=e.topic_ids, submitted_at=e.timestamp,
        ))
        self._stale(campaign_id, e.tenant_id, "suggestions")

    def _suggestion(self, e, **fields: Any) -> None:
        row = self.b.suggs.get(e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        self.b.suggs.touch(row)
        self._stale(row.campaign_id, row.node_id, "suggestions")

    def on_Suggestion_Categorised(self, e) -> None:
        self._suggestion(e, category=e.category)

    def on_Suggestion_Adopted(self, e) -> None:
        self._suggestion(e, status="adopted", adoption_note=e.note)

    def on_Suggestion_Answered(self, e) -> None:
        self._suggestion(e, answer=e.answer)

    # ================================================================== problems

    def on_Problem_Recorded(self, e) -> None:
        unit = self.b.units.get(e.tenant_id)
        campaign_id = self.b.plans.get(e.plan_id).campaign_id
        self.b.probs.add(ProblemRow(
            id=e.originator_id, campaign_id=campaign_id, plan_id=e.plan_id, node_id=e.tenant_id,
            path=unit.path, description=e.description, category=e.category, source=e.source,
            status="open", recorded_at=e.timestamp,
        ))
        self._stale(campaign_id, e.tenant_id, "problems")

    def _problem(self, e, entry: dict, **fields: Any) -> None:
        row = self.b.probs.get(e.originator_id)
        for k, v in fields.items():
            setattr(row, k, v)
        row.history = [*row.history, _jsonable({
            "event": type(e).__qualname__.split(".")[-1], "actor": str(e.actor),
            "at": e.timestamp.isoformat(), **entry})]
        self.b.probs.touch(row)
        self._evidence("problem", row.id, row.path, entry.get("evidence"))
        self._stale(row.campaign_id, row.node_id, "problems")

    def on_Problem_RectificationPlanned(self, e) -> None:
        self._problem(e, {}, rectification=e.rectification, deadline=e.rectification["deadline"],
                      status="rectifying")

    def on_Problem_ProgressReported(self, e) -> None:
        extra = {} if e.percent is None else {"percent": e.percent}
        self._problem(e, {"note": e.note, "percent": e.percent, "evidence": e.evidence}, **extra)

    def on_Problem_Completed(self, e) -> None:
        self._problem(e, {"summary": e.summary, "evidence": e.evidence}, status="completed")

    def on_Problem_Verified(self, e) -> None:
        self._problem(e, {"note": e.note}, status="verified")

    def on_Problem_Reopened(self, e) -> None:
        row = self.b.probs.get(e.originator_id)
        self._problem(e, {"reason": e.reason}, status="rectifying", reopened=row.reopened + 1)

    # ================================================================== the tree

    def _campaign_roots(self) -> list[tuple[UUID, str]]:
        if self.b.roots is None:
            self.b.roots = list(PlanRow.objects.filter(kind="campaign", released_version__gt=0)
                                .values_list("id", "path"))
        return self.b.roots

    def on_Tenant_Registered(self, e) -> None:
        parent = self.b.units.find(e.parent_id) if e.parent_id else None
        path = (parent.path if parent else "") + e.originator_id.hex + "/"
        unit = self.b.units.add(CampaignUnit(
            id=e.originator_id, parent_id=e.parent_id, path=path, depth=path.count("/") - 1,
            kind=e.kind, name=e.name))
        if parent is None or not any(path.startswith(p) for _, p in self._campaign_roots()):
            return
        self._settle()
        for parent_row in ProgressRow.objects.filter(node_id=parent.id):
            campaign = PlanRow.objects.get(pk=parent_row.campaign_id)
            self._add_subtree(campaign, unit, parent_row)

    def on_Tenant_Renamed(self, e) -> None:
        self._settle()
        CampaignUnit.objects.filter(pk=e.originator_id).update(name=e.name)
        ProgressRow.objects.filter(node_id=e.originator_id).update(name=e.name)

    def on_Tenant_Moved(self, e) -> None:
        """The moved subtree's figures leave the old ancestors and join the new ones. In
        every campaign covering the old place the subtree's rows are taken out (their total
        subtracted above them); paths move; every campaign covering the new place takes the
        subtree in (rows built afresh from the detail rows: coverage and governing plans
        follow the new place). Campaigns authored inside the subtree travel with it."""
        self._settle()
        unit = CampaignUnit.objects.filter(pk=e.originator_id).first()
        new_parent = CampaignUnit.objects.filter(pk=e.new_parent_id).first()
        if unit is None or new_parent is None:
            return
        old, new = unit.path, new_parent.path + unit.id.hex + "/"
        inside = set(PlanRow.objects.filter(kind="campaign", path__startswith=old)
                     .values_list("id", flat=True))
        for campaign_id in set(ProgressRow.objects.filter(node_id=unit.id)
                               .values_list("campaign_id", flat=True)) - inside:
            self._remove_subtree(campaign_id, old)
        shift = new.count("/") - old.count("/")
        relocated = Concat(Value(new), Substr("path", len(old) + 1))
        for model in (PlanRow, ActivityRow, SuggestionRow, ProblemRow, EvidenceRef):
            model.objects.filter(path__startswith=old).update(path=relocated)
        for model in (CampaignUnit, ProgressRow):
            model.objects.filter(path__startswith=old).update(path=relocated, depth=F("depth") + shift)
        CampaignUnit.objects.filter(pk=unit.id).update(parent_id=new_parent.id)
        ProgressRow.objects.filter(node_id=unit.id).update(parent_id=new_parent.id)
        unit.path, unit.parent_id, unit.depth = new, new_parent.id, unit.depth + shift
        for parent_row in ProgressRow.objects.filter(node_id=new_parent.id).exclude(campaign_id__in=inside):
            self._add_subtree(PlanRow.objects.get(pk=parent_row.campaign_id), unit, parent_row)

    def on_Tenant_Archived(self, e) -> None:
        """An archived unit (and anything still below it) leaves every roll-up."""
        self._settle()
        unit = CampaignUnit.objects.filter(pk=e.originator_id).first()
        if unit is None:
            return
        CampaignUnit.objects.filter(pk=unit.id).update(archived=True)
        for campaign_id in ProgressRow.objects.filter(node_id=unit.id).values_list("campaign_id", flat=True):
            self._remove_subtree(campaign_id, unit.path)

    # ================================================================== progress

    def _remove_subtree(self, campaign_id: UUID, path: str) -> None:
        top = ProgressRow.objects.filter(campaign_id=campaign_id, path=path).first()
        if top is None:
            return
        above = parent_path(path)
        if above:
            self._roll(campaign_id, [(above, figures.combine(figures.empty(), top.total, -1))])
            self._write_progress()
        self.b.progress = {}
        ProgressRow.objects.filter(campaign_id=campaign_id, path__startswith=path).delete()

    def _add_subtree(self, campaign: PlanRow, top: CampaignUnit, parent_row: ProgressRow | None) -> None:
        """Rows for ``top``'s live subtree in ``campaign`` (settled tables), own figures
        from the detail rows, and the subtree's total added above it."""
        units = list(CampaignUnit.objects.filter(path__startswith=top.path, archived=False).order_by("path"))
        plans = {p.node_id: p for p in PlanRow.objects.filter(
            campaign_id=campaign.id, kind="derived", path__startswith=top.path)}
        now = timezone.now()
        rows: dict[UUID, ProgressRow] = {}
        for u in units:  # parents before children
            parent = parent_row if u.id == top.id else rows.get(u.parent_id)
            if parent is None and u.id != campaign.node_id:
                continue
            expected, obliged = coverage(campaign.publication, campaign.node_id, u)
            plan = plans.get(u.id)
            rows[u.id] = ProgressRow(
                campaign_id=campaign.id, node_id=u.id, parent_id=u.parent_id, path=u.path,
                depth=u.depth, kind=u.kind, name=u.name, expected=expected, obliged=obliged,
                plan_id=plan.id if plan else None, governing_plan_id=campaign.id,  # set by _compute_own
                plan_status=plan_status(plan) if plan else ("not_derived" if expected else ""),
                upstream_changed=bool(plan and plan.upstream_version is not None),
                own=figures.empty(), total=figures.empty(), updated_at=now,
            )
        if not rows:
            return
        self._compute_own(campaign.id, {u: (r, ALL_PARTS) for u, r in rows.items()})
        for r in rows.values():
            r.total = dict(r.own)
        for u in reversed(units):  # children before parents
            r = rows.get(u.id)
            if r is not None and u.id != top.id and u.parent_id in rows:
                parent = rows[u.parent_id]
                parent.total = figures.combine(parent.total, r.total)
        frame, on = campaign_frame(campaign.id), figures.today(time_zone())
        for r in rows.values():
            assess_row(r, frame, on)
        ProgressRow.objects.bulk_create(rows.values(), batch_size=CHUNK)
        if parent_row is not None and top.id in rows:
            self.b.progress = {}
            self._roll(campaign.id, [(parent_row.path, rows[top.id].total)])
            self._write_progress()
            self.b.progress = {}

    def _recompute(self, stale: dict[tuple[UUID, UUID], set[str]]) -> None:
        """New own figures for the stale (campaign, node) pairs, their deltas summed per
        ancestor and added once."""
        by_campaign: dict[UUID, list[UUID]] = defaultdict(list)
        for campaign_id, node_id in stale:
            by_campaign[campaign_id].append(node_id)
        for campaign_id, node_ids in by_campaign.items():
            rows = self._load_progress(campaign_id, node_ids)
            work = {n: (r, stale[(campaign_id, n)]) for n, r in rows.items()}
            old = {n: r.own for n, r in rows.items()}
            self._compute_own(campaign_id, work)
            deltas = []
            for n, r in rows.items():
                self.b.changed.add((campaign_id, n))
                delta = figures.combine(r.own, old[n], -1)
                if not figures.is_zero(delta):
                    deltas.append((r.path, delta))
            self._roll(campaign_id, deltas)

    def _load_progress(self, campaign_id: UUID, node_ids: Iterable[UUID]) -> dict[UUID, ProgressRow]:
        progress = self.b.progress
        missing = [n for n in node_ids if (campaign_id, n) not in progress]
        for i in range(0, len(missing), CHUNK):
            chunk = missing[i:i + CHUNK]
            for n in chunk:
                progress[(campaign_id, n)] = None
            for r in ProgressRow.objects.filter(campaign_id=campaign_id, node_id__in=chunk):
                progress[(campaign_id, r.node_id)] = r
        return {n: progress[(campaign_id, n)] for n in node_ids if progress.get((campaign_id, n)) is not None}

    def _roll(self, campaign_id: UUID, deltas: list[tuple[str, dict]]) -> None:
        """Add each delta to the node at its path and to every ancestor, summing the deltas
        per node first; every touched row is assessed and written once."""
        if not deltas:
            return
        acc: dict[str, dict] = {}
        for path, delta in deltas:
            for h in path.rstrip("/").split("/"):
                if h in acc:
                    figures.add_into(acc[h], delta)
                else:
                    acc[h] = figures.add_into(figures.empty(), delta)
        rows = self._load_progress(campaign_id, [UUID(h) for h in acc])
        frame, on, now = campaign_frame(campaign_id), figures.today(time_zone()), timezone.now()
        for node_id, r in rows.items():
            r.total = figures.combine(r.total, acc[node_id.hex])
            r.updated_at = now
            assess_row(r, frame, on)
            self.b.changed.add((campaign_id, node_id))

    def _compute_own(self, campaign_id: UUID, work: dict[UUID, tuple[ProgressRow, Any]]) -> None:
        """Set ``row.own`` for each node from its detail rows (the ``parts`` that changed):
        one query per detail table for all of them."""
        def nodes(*names: str) -> list[UUID]:
            return [n for n, (_, parts) in work.items() if any(p in parts for p in names)]

        acts = _grouped(ActivityRow.objects.filter(campaign_id=campaign_id), nodes("activities", "reqs"),
                        "kind", "start", "end", "hours", "participants", "phase_id", "status", "data")
        suggs = _grouped(SuggestionRow.objects.filter(campaign_id=campaign_id), nodes("suggestions"),
                         "status", "answer")
        probs = _grouped(ProblemRow.objects.filter(campaign_id=campaign_id), nodes("problems"),
                         "status", "deadline", "reopened")
        governing = _governing_plans(campaign_id, [r.path for n, (r, _) in work.items() if n in acts])
        for n, (row, parts) in work.items():
            own = {**figures.empty(), **row.own}
            if "plan" in parts:
                has = row.plan_id is not None
                own["plans_expected"] = int(row.expected or has)
                own["plans"] = {row.plan_status: 1} if (row.expected or has) and row.plan_status else {}
                own["plans_upstream_changed"] = int(has and row.upstream_changed)
            if n in acts:
                plan = governing(row.path)
                row.governing_plan_id = plan["id"]
                _activity_figures(row, own, acts[n], "activities" in parts, plan["released"])
            if n in suggs:
                rows = suggs[n]
                own["suggestions"] = len(rows)
                own["suggestions_adopted"] = sum(1 for s in rows if s["status"] == "adopted")
                own["suggestions_answered"] = sum(1 for s in rows if s["answer"])
            if n in probs:
                rows = probs[n]
                own["problems"] = len(rows)
                own["problems_completed"] = sum(1 for p in rows if p["status"] == "completed")
                own["problems_closed"] = sum(1 for p in rows if p["status"] == "verified")
                open_rows = [p for p in rows if p["status"] in ("open", "rectifying")]
                own["problems_reopened"] = sum(1 for p in open_rows if p["reopened"])
                deadlines: dict[str, int] = defaultdict(int)
                reopened: dict[str, int] = defaultdict(int)
                for p in open_rows:
                    if p["deadline"]:
                        deadlines[p["deadline"]] += 1
                        if p["reopened"]:  # read time shows each once: overdue before reopened
                            reopened[p["deadline"]] += 1
                own["deadlines"] = dict(sorted(deadlines.items()))
                own["reopened_deadlines"] = dict(sorted(reopened.items()))
            row.own = own


def _governing_plans(campaign_id: UUID, paths: list[str]):
    """``path -> plan``: the nearest released plan of the campaign at or above the unit at
    ``path`` (itself included) — one rule however the unit got there (derived, moved,
    registered later, published to chosen units). Only the plans on the given paths' chains
    are read."""
    prefixes: set[str] = set()
    for path in paths:
        parts = path.rstrip("/").split("/")
        prefixes.update("/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    plans: dict[str, dict] = {}
    found = PlanRow.objects.filter(campaign_id=campaign_id, released_version__gt=0)
    chosen = sorted(prefixes)
    for i in range(0, len(chosen), CHUNK):
        for p in found.filter(path__in=chosen[i:i + CHUNK]).values("id", "path", "kind", "released"):
            plans[p["path"]] = p  # a unit holds one plan per campaign (the campaign's: the campaign)

    def nearest(path: str) -> dict:
        parts = path.rstrip("/").split("/")
        for i in range(len(parts), 0, -1):
            plan = plans.get("/".join(parts[:i]) + "/")
            if plan is not None:
                return plan
        raise LookupError(f"no released plan above {path}")

    return nearest


def _grouped(rows, node_ids: list[UUID], *fields: str) -> dict[UUID, list[dict]]:
    """The detail rows of ``node_ids`` by node (every node present, maybe with none)."""
    out: dict[UUID, list[dict]] = {n: [] for n in node_ids}
    for i in range(0, len(node_ids), CHUNK):
        for r in rows.filter(node_id__in=node_ids[i:i + CHUNK]).values("node_id", *fields):
            out[r.pop("node_id")].append(r)
    return out


def _activity_figures(row: ProgressRow, own: dict, acts: list[dict], recount: bool,
                      plan: dict) -> None:
    """Activity figures keep each entry's date (an activity counts from its date: one dated
    in the future is planned, not done — read time sums the dated histograms up to today)."""
    counted = [a for a in acts if a["status"] == "logged"]
    if recount:
        own["activities"] = len(counted)
        own["activities_returned"] = sum(1 for a in acts if a["status"] == "returned")
        own["participants"] = sum(a["participants"] for a in counted)
        own["hours_x100"] = int(sum((Decimal(a["hours"] or 0) * 100 for a in counted), Decimal(0)))
        by_kind: dict[str, int] = defaultdict(int)
        by_phase: dict[str, int] = defaultdict(int)
        days: dict[str, int] = defaultdict(int)
        day_participants: dict[str, int] = defaultdict(int)
        day_hours: dict[str, int] = defaultdict(int)
        for a in counted:
            on = a["start"][:10]
            by_kind[a["kind"]] += 1
            by_phase[a["phase_id"] or "none"] += 1
            days[on] += 1
            day_participants[on] += a["participants"]
            day_hours[on] += int(Decimal(a["hours"] or 0) * 100)
        own["by_kind"], own["by_phase"] = dict(sorted(by_kind.items())), dict(sorted(by_phase.items()))
        own["days"] = dict(sorted(days.items()))
        own["day_participants"] = {k: v for k, v in sorted(day_participants.items()) if v}
        own["day_hours_x100"] = {k: v for k, v in sorted(day_hours.items()) if v}
    # Bound by the per-unit requirements only where the publication says so (coverage):
    # logging one's own activities does not switch them on.
    bound = row.obliged
    own["obliged_units"] = int(bound)
    if not bound:
        own["req_met"] = own["req_total"] = 0
        own["req_met_on"] = {}
        own["requirements"] = []
        return
    reqs = plan.get("requirements") or {}
    facts = [{**a, "leaders": (a["data"] or {}).get("leaders") or []} for a in acts]
    detail = []
    met_on: dict[str, int] = defaultdict(int)
    for rid, req in sorted(reqs.items()):
        result = rules.requirement_progress(req, facts, plan.get("phases"))
        changes = rules.requirement_met_changes(req, facts, plan.get("phases"))
        for on, change in changes.items():
            met_on[on] += change
        detail.append({"id": rid, "kind": req["kind"], "metric": req["metric"],
                       "description": req.get("description", ""),
                       "minimum": _num(req["minimum"]), "achieved": _num(result["achieved"]),
                       "met": result["met"], "met_on": changes})
    own["req_total"] = len(detail)
    own["req_met"] = sum(1 for d in detail if d["met"])
    own["req_met_on"] = {k: v for k, v in sorted(met_on.items()) if v}
    own["requirements"] = detail


def assess_row(row: ProgressRow, frame, on) -> None:
    """The stored light (for the list filters) as of ``on``. A measured unit's is its own;
    a node's with measured units below is set from their shares by :func:`assess_campaign`
    (the scheduled refresh) and computed afresh when read; until then, its subtree's."""
    window, settings = frame
    assessed = figures.assess(row.total, window=window, on=on, settings=settings)
    row.light, row.score = assessed["light"], assessed["score"]
    row.silent = assessed["silent"] and row.kind in figures.MEASURED_KINDS  # a node's silence: its units' share
    row.approved_plans = (row.total.get("plans") or {}).get("approved", 0)


def assess_campaign(campaign_id: UUID | None = None) -> int:
    """Recompute stored lights and scores for today (in the caller's transaction); answer
    how many rows changed. Measured units first; then every other node from the shares of
    the measured units below it."""
    rows = ProgressRow.objects.all()
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    on = figures.today(time_zone())
    frames: dict[UUID, Any] = {}
    changed = []
    others: list[tuple[ProgressRow, tuple]] = []
    below: dict[tuple[UUID, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(figures.LIGHTS, 0))
    for row in rows.iterator(chunk_size=2000):
        if row.campaign_id not in frames:
            frames[row.campaign_id] = campaign_frame(row.campaign_id)
        before = (row.light, row.silent, row.score, row.approved_plans)
        assess_row(row, frames[row.campaign_id], on)
        if row.kind in figures.MEASURED_KINDS:
            for h in parent_path(row.path).rstrip("/").split("/"):
                if h:
                    below[(row.campaign_id, h)][row.light] += 1
        others.append((row, before))
    for row, before in others:
        units = below.get((row.campaign_id, row.node_id.hex))
        if units:
            row.light = node_light(row.kind, row.own, units, frames[row.campaign_id], on)
        if (row.light, row.silent, row.score, row.approved_plans) != before:
            changed.append(row)
    update_many(ProgressRow, changed, ["light", "silent", "score", "approved_plans"])
    return len(changed)


def node_light(kind: str, own: dict, units: dict[str, int], frame, on) -> str:
    """The light of a node with measured units below: by the shares of their lights, or its
    own light (a returned plan, its own overdue rectification) when that is worse."""
    own_light = figures.assess(own, window=frame[0], on=on, settings=frame[1])["light"]
    if kind in figures.MEASURED_KINDS:  # a branch with branches below is measured itself
        units = {k: units.get(k, 0) + (k == own_light) for k in figures.LIGHTS}
    return figures.share_light(own_light, units, frame[1])


def refresh_lights(campaign_id: UUID | None = None) -> int:
    """The scheduled refresh of stored lights (they depend on "today").

    Stored lights stay (the red/yellow list filters on the ``(campaign_id, light, path)``
    index), so the refresh follows the projection's locking discipline: it runs in one
    transaction that first locks the "campaigns" position row, exactly as the runner does
    for a batch. A batch and a refresh therefore never interleave: the refresh reads totals
    no batch is changing and its lights cannot overwrite fresher ones (on SQLite the
    IMMEDIATE transaction already takes the write lock at BEGIN)."""
    with transaction.atomic():
        ProjectionPosition.objects.get_or_create(name=CampaignProjection.name)
        list(ProjectionPosition.objects.select_for_update().filter(name=CampaignProjection.name))
        return assess_campaign(campaign_id)


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, UUID):
        return str(value)
    return value
