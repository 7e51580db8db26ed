"""Index aggregate: one plan per unit per campaign.

Like the content-management example's ``Slug`` (and ``SiblingCode`` in the tenancy
context): its id is derived from (campaign, unit), so it is created exactly once, in the
same atomic append as the plan it names. Two writers deriving for one unit at once both
try to store version 1 of the same index: the store refuses the second, whatever entry
point (derive, import) either came through.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from taolun.events.kernel import TaolunAggregate, index_id


class UnitPlan(TaolunAggregate):
    @staticmethod
    def id_for(campaign_id: UUID, unit_id: UUID) -> UUID:
        return index_id("unit-plan", campaign_id, unit_id)

    @staticmethod
    def create_id(tenant_id: UUID, actor: UUID | None, campaign_id: UUID, plan_id: UUID) -> UUID:
        return UnitPlan.id_for(campaign_id, tenant_id)

    @event("Claimed")
    def __init__(self, tenant_id: UUID, actor: UUID | None, campaign_id: UUID, plan_id: UUID) -> None:
        self.tenant_id = tenant_id
        self.campaign_id = campaign_id
        self.plan_id = plan_id
