"""The campaigns' own mirror of the organisation tree (:class:`CampaignUnit`).

The projection never reads ``OrgNode``: the org projection runs over the whole batch first,
and a rebuild of "campaigns" alone would read the final tree, not the tree as it stood at
each event. A unit registered under a covered parent, moved, archived or renamed changes the
progress rows of every campaign that covers it: these handlers settle the batch first and
then work in SQL on the settled tables.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from taolun.projections.bulk import new_row
from taolun.projections.campaigns.batch import TABLES
from taolun.projections.campaigns.rollup import Rollup
from taolun.projections.models import CampaignUnit, PlanRow, ProgressRow
from taolun.projections.subtree import move_subtree
from taolun.tenants import paths
from taolun.tenants.domainmodel import Tenant


class UnitTree(Rollup):
    """The handlers of the organisation tree's events."""

    def _campaign_roots(self) -> list[tuple[UUID, str]]:
        if self.b.roots is None:
            self.b.roots = list(PlanRow.objects.filter(kind="campaign", released_version__gt=0)
                                .values_list("id", "path"))
        return self.b.roots

    def tenant_registered(self, e: Tenant.Registered) -> None:
        parent = self.b.units.find(e.parent_id) if e.parent_id else None
        path = paths.child_path(parent.path if parent else "", e.originator_id)
        unit = self.b.units.add(new_row(CampaignUnit,
            id=e.originator_id, parent_id=e.parent_id, path=path, depth=paths.depth(path),
            kind=e.kind, name=e.name))
        if parent is None or not any(paths.is_within(path, p) for _, p in self._campaign_roots()):
            return
        self.settle()
        for parent_row in ProgressRow.objects.filter(node_id=parent.id):
            campaign = PlanRow.objects.get(pk=parent_row.campaign_id)
            self.add_subtree(campaign, unit, parent_row)

    def tenant_renamed(self, e: Tenant.Renamed) -> None:
        self.settle()
        CampaignUnit.objects.filter(pk=e.originator_id).update(name=e.name)
        ProgressRow.objects.filter(node_id=e.originator_id).update(name=e.name)

    def tenant_moved(self, e: Tenant.Moved) -> None:
        """The moved subtree's figures leave the old ancestors and join the new ones. In
        every campaign covering the old place the subtree's rows are taken out (their total
        subtracted above them); paths move; every campaign covering the new place takes the
        subtree in (rows built afresh from the detail rows: coverage and governing plans
        follow the new place). Campaigns authored inside the subtree travel with it."""
        self.settle()
        unit = CampaignUnit.objects.filter(pk=e.originator_id).first()
        new_parent = CampaignUnit.objects.filter(pk=e.new_parent_id).first()
        if unit is None or new_parent is None:
            return
        old, new = unit.path, paths.child_path(new_parent.path, unit.id)
        inside = set(PlanRow.objects.filter(kind="campaign", path__under=old)
                     .values_list("id", flat=True))
        for campaign_id in set(ProgressRow.objects.filter(node_id=unit.id)
                               .values_list("campaign_id", flat=True)) - inside:
            self.remove_subtree(campaign_id, old)
        for model in TABLES:  # every row of the subtree, in every table, moves with it
            move_subtree(model.objects, old, new, depth=model in (CampaignUnit, ProgressRow))
        CampaignUnit.objects.filter(pk=unit.id).update(parent_id=new_parent.id)
        ProgressRow.objects.filter(node_id=unit.id).update(parent_id=new_parent.id)
        unit.path, unit.parent_id, unit.depth = new, new_parent.id, paths.depth(new)
        for parent_row in ProgressRow.objects.filter(node_id=new_parent.id).exclude(campaign_id__in=inside):
            self.add_subtree(PlanRow.objects.get(pk=parent_row.campaign_id), unit, parent_row)

    def tenant_archived(self, e: Tenant.Archived) -> None:
        """An archived unit (and anything still below it) leaves every roll-up."""
        self.settle()
        unit = CampaignUnit.objects.filter(pk=e.originator_id).first()
        if unit is None:
            return
        CampaignUnit.objects.filter(pk=unit.id).update(archived=True)
        for campaign_id in ProgressRow.objects.filter(node_id=unit.id).values_list("campaign_id", flat=True):
            self.remove_subtree(campaign_id, unit.path)

    HANDLERS: dict[type, Callable[..., None]] = {
        Tenant.Registered: tenant_registered,
        Tenant.Renamed: tenant_renamed,
        Tenant.Moved: tenant_moved,
        Tenant.Archived: tenant_archived,
    }
