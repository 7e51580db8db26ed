"""The progress roll-up: one :class:`ProgressRow` per (campaign, node), own and total.

Rows exist for the campaign unit's live subtree from the campaign's version 1 on;
``expected`` (should derive a plan) and ``obliged`` (bound by per-unit requirements) follow
the publication (:func:`coverage`). A node's ``own`` figures are a function of its detail
rows (:mod:`.own_figures`); ``total`` is own plus every descendant's own, kept by adding
deltas up the path. Settling a batch writes the detail rows, recomputes the stale own
figures with one query per detail table, sums the deltas per ancestor and writes every
touched progress row once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from django.utils import timezone

from taolun.events.campaigns.plan_status import unit_plan_status
from taolun.projections import progress as figures
from taolun.projections.bulk import update_many
from taolun.projections.campaigns.assessment import Frame, assess_row, campaign_frame, time_zone
from taolun.projections.campaigns.batch import CHUNK, InBatch
from taolun.projections.campaigns.own_figures import ALL_PARTS, compute_own
from taolun.projections.models import CampaignUnit, PlanRow, ProgressRow
from taolun.tenants import paths

# Stale nodes recomputed at once: bounds the detail rows held in memory.
RECOMPUTE_SLICE = 100
# The progress fields a settle writes (paths and parents change only in SQL).
PROGRESS_FIELDS = ["own", "total", "light", "silent", "score", "approved_plans", "plan_id", "plan_status",
                   "upstream_changed", "governing_plan_id", "updated_at"]


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
    covered = any(h in targets for h in paths.node_ids(unit.path))
    return unit.id.hex in targets, covered and unit_level


class Rollup(InBatch):
    """Keeps the progress rows of the batch in memory and rolls changes up the tree."""

    # While a batch settles: the campaigns' frames read so far (the tables do not change
    # under it); ``None`` otherwise, when every roll reads its campaign's frame.
    _frames: dict[UUID, Frame] | None = None

    def settle(self) -> None:
        """Write the batch so far: detail rows, then the stale own figures and their
        roll-ups; the in-memory state starts afresh."""
        self._frames = {}
        try:
            self._settle()
        finally:
            self._frames = None

    def _settle(self) -> None:
        b = self.b
        near = self._unit_paths()  # before the flush lets go of the batch's unit rows
        b.flush_details()
        recount, b.recount = b.recount, set()
        for campaign_id, path in sorted(recount):
            for node_id in ProgressRow.objects.filter(
                campaign_id=campaign_id, path__under=path
            ).values_list("node_id", flat=True):
                self.stale(campaign_id, node_id, "reqs")
        if b.stale:
            stale, b.stale = b.stale, defaultdict(set)
            keys = list(stale)
            # In slices, so the detail rows read at once stay bounded (a rebuild's last
            # settle recomputes every node); what changes above them is summed over every
            # slice and added once (each ancestor read and written once, not per slice).
            above: dict[UUID, dict[str, dict]] = defaultdict(dict)
            for i in range(0, len(keys), RECOMPUTE_SLICE):
                self._recompute({k: stale[k] for k in keys[i:i + RECOMPUTE_SLICE]}, near, above)
                if len(keys) > RECOMPUTE_SLICE:
                    self.write_progress()
                    b.progress = {}
            for campaign_id, acc in above.items():
                self._add_totals(campaign_id, acc)
        self.write_progress()
        b.progress, b.roots = {}, None

    def _unit_paths(self) -> dict[UUID, str]:
        """The paths of the stale nodes whose unit rows the batch holds (a live write's
        unit): their ancestors' progress rows are then read with theirs, in one query."""
        cache = self.b.units.cache
        return {node_id: unit.path for _, node_id in self.b.stale
                if (unit := cache.get(node_id)) is not None}

    def _frame(self, campaign_id: UUID) -> Frame:
        if self._frames is None:
            return campaign_frame(campaign_id)
        if campaign_id not in self._frames:
            self._frames[campaign_id] = campaign_frame(campaign_id)
        return self._frames[campaign_id]

    def flush(self) -> None:
        """Write the detail rows and the progress rows changed so far; what is stale stays
        stale (a replay settles it later)."""
        self.b.flush_details()
        self.write_progress()
        self.b.progress = {}

    def write_progress(self) -> None:
        b = self.b
        if b.changed:
            rows = [b.progress[k] for k in b.changed if b.progress.get(k) is not None]
            update_many(ProgressRow, rows, PROGRESS_FIELDS)
            b.changed = set()

    def progress_row(self, campaign_id: UUID, node_id: UUID) -> ProgressRow | None:
        key = (campaign_id, node_id)
        if key not in self.b.progress:
            self.b.progress[key] = ProgressRow.objects.filter(
                campaign_id=campaign_id, node_id=node_id).first()
        return self.b.progress[key]

    def remove_subtree(self, campaign_id: UUID, path: str) -> None:
        """Take the subtree at ``path`` out of ``campaign_id``: its total leaves the nodes
        above it, its rows go."""
        top = ProgressRow.objects.filter(campaign_id=campaign_id, path=path).first()
        if top is None:
            return
        above = paths.parent_path(path)
        if above:
            self.roll(campaign_id, [(above, figures.combine(figures.empty(), top.total, -1))])
            self.write_progress()
        self.b.progress = {}
        ProgressRow.objects.filter(campaign_id=campaign_id, path__under=path).delete()

    def add_subtree(self, campaign: PlanRow, top: CampaignUnit, parent_row: ProgressRow | None) -> None:
        """Rows for ``top``'s live subtree in ``campaign`` (settled tables), own figures
        from the detail rows, and the subtree's total added above it."""
        units = list(CampaignUnit.objects.filter(path__under=top.path, archived=False).order_by("path"))
        plans = {p.node_id: p for p in PlanRow.objects.filter(
            campaign_id=campaign.id, kind="derived", path__under=top.path)}
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
                plan_id=plan.id if plan else None, governing_plan_id=campaign.id,  # set by compute_own
                plan_status=unit_plan_status(plan.status if plan else None, expected),
                upstream_changed=bool(plan and plan.upstream_version is not None),
                own=figures.empty(), total=figures.empty(), updated_at=now,
            )
        if not rows:
            return
        compute_own(campaign.id, {u: (r, ALL_PARTS) for u, r in rows.items()})
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
            self.roll(campaign.id, [(parent_row.path, rows[top.id].total)])
            self.write_progress()
            self.b.progress = {}

    def _recompute(self, stale: dict[tuple[UUID, UUID], set[str]], near: dict[UUID, str],
                   above: dict[UUID, dict[str, dict]]) -> None:
        """New own figures for the stale (campaign, node) pairs; each node's total takes
        its own change at once, its ancestors' are summed into ``above`` (campaign ->
        ancestor -> change) for the caller to add. ``near``: known paths of stale nodes,
        whose ancestors' rows the caller will need (read now, with the nodes')."""
        by_campaign: dict[UUID, list[UUID]] = defaultdict(list)
        for campaign_id, node_id in stale:
            by_campaign[campaign_id].append(node_id)
        on, now = figures.today(time_zone()), timezone.now()
        for campaign_id, node_ids in by_campaign.items():
            ancestors = {UUID(h) for n in node_ids if n in near for h in paths.node_ids(near[n])}
            rows = self._load_progress(campaign_id, node_ids, also=ancestors)
            work = {n: (r, stale[(campaign_id, n)]) for n, r in rows.items()}
            old = {n: r.own for n, r in rows.items()}
            compute_own(campaign_id, work, self._frames)
            frame = self._frame(campaign_id)
            acc = above[campaign_id]
            for n, r in rows.items():
                self.b.changed.add((campaign_id, n))
                delta = figures.combine(r.own, old[n], -1)
                if figures.is_zero(delta):
                    continue
                r.total, r.updated_at = figures.combine(r.total, delta), now
                assess_row(r, frame, on)
                for h in paths.ancestor_ids(r.path):
                    figures.add_into(acc.setdefault(h, figures.empty()), delta)

    def _load_progress(self, campaign_id: UUID, node_ids: Iterable[UUID],
                       also: Iterable[UUID] = ()) -> dict[UUID, ProgressRow]:
        """The progress rows of ``node_ids`` (read once per batch); ``also``: rows to read
        with them, for later."""
        node_ids = list(node_ids)
        progress = self.b.progress
        missing = list(dict.fromkeys(n for n in [*node_ids, *also] if (campaign_id, n) not in progress))
        for i in range(0, len(missing), CHUNK):
            chunk = missing[i:i + CHUNK]
            for n in chunk:
                progress[(campaign_id, n)] = None
            for r in ProgressRow.objects.filter(campaign_id=campaign_id, node_id__in=chunk):
                progress[(campaign_id, r.node_id)] = r
        return {n: progress[(campaign_id, n)] for n in node_ids if progress.get((campaign_id, n)) is not None}

    def roll(self, campaign_id: UUID, deltas: list[tuple[str, dict]]) -> None:
        """Add each delta to the node at its path and to every ancestor, summing the deltas
        per node first; every touched row is assessed and written once."""
        if not deltas:
            return
        acc: dict[str, dict] = {}
        for path, delta in deltas:
            for h in paths.node_ids(path):
                figures.add_into(acc.setdefault(h, figures.empty()), delta)
        self._add_totals(campaign_id, acc)

    def _add_totals(self, campaign_id: UUID, acc: dict[str, dict]) -> None:
        """Add ``acc`` (node hex id -> change) to those nodes' totals; each is assessed and
        marked to be written."""
        if not acc:
            return
        rows = self._load_progress(campaign_id, [UUID(h) for h in acc])
        frame, on, now = self._frame(campaign_id), figures.today(time_zone()), timezone.now()
        for node_id, r in rows.items():
            r.total = figures.combine(r.total, acc[node_id.hex])
            r.updated_at = now
            assess_row(r, frame, on)
            self.b.changed.add((campaign_id, node_id))
