"""The campaign rules that need the organisation tree: where a plan may be created or sent,
which unit may log against which plan, and who may act on a unit's records.

Each function reads the tree through the :class:`~taolun.events.campaigns.ports.OrgTree`
port and raises a DomainError with a stable code; the application calls them before it
touches an aggregate, so a refused command appends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from taolun.events.campaigns.plan import Plan
from taolun.events.campaigns.ports import OrgTree
from taolun.events.kernel import DomainError, Forbidden

# Who checks the records of the units below (驳回, 验收, 重新打开).
SUPERVISORS = ("admin", "inspector")


def strictly_below(org: OrgTree, unit_id: UUID, ancestor_id: UUID) -> bool:
    return ancestor_id in org.lineage(unit_id)[1:]


def check_may_author(org: OrgTree, tenant_id: UUID) -> None:
    """Only a (live) education bureau launches a campaign."""
    org.ensure_live_unit(tenant_id)
    if org.unit_kind(tenant_id) != "bureau":
        raise DomainError("not_a_bureau", "只有教育局可以发起活动方案", field="tenant_id")


def check_may_derive(org: OrgTree, parent: Plan, tenant_id: UUID) -> None:
    """A plan is derived by a (live) unit below the parent plan's unit."""
    if not strictly_below(org, tenant_id, parent.tenant_id):
        raise DomainError("unit_outside_subtree", "只能为上级方案所属单位的下级单位制定实施方案",
                          field="tenant_id")
    org.ensure_live_unit(tenant_id)


def check_publication_targets(org: OrgTree, plan: Plan, unit_ids: Iterable[UUID]) -> None:
    for unit_id in unit_ids:
        if not strictly_below(org, unit_id, plan.tenant_id):
            raise DomainError("unit_outside_subtree", "只能下发到本单位的下级单位",
                              field="unit_ids", unit_id=str(unit_id))


def check_assignee(org: OrgTree, plan: Plan, unit_id: UUID) -> None:
    """A task goes to one of the plan's unit's own (live) branches or offices."""
    if not strictly_below(org, unit_id, plan.tenant_id):
        raise DomainError("unit_outside_subtree", "只能把任务分配给本单位下属的支部或科室",
                          field="unit_id", unit_id=str(unit_id))
    org.ensure_live_unit(unit_id)


def check_plan_for_unit(org: OrgTree, plan: Plan, unit_id: UUID) -> None:
    """A unit's records are kept against a plan of the unit itself or of a unit above it."""
    if plan.tenant_id not in org.lineage(unit_id):
        raise DomainError("plan_not_for_unit", "该方案不适用于本单位", field="plan_id")


def check_parent_admin(org: OrgTree, actor: UUID | None, parent: Plan) -> None:
    """A derived plan is reviewed (approved, returned) by an admin of its parent's unit."""
    if not org.holds_role(actor, parent.tenant_id, ("admin",)):
        raise Forbidden("not_parent_admin", "只有上级单位的管理员可以审核实施方案")


def check_supervisor(org: OrgTree, actor: UUID | None, unit_id: UUID) -> None:
    """A unit's records are returned, verified or reopened from a unit above it."""
    if not org.holds_role(actor, unit_id, SUPERVISORS, above=True):
        raise Forbidden("parent_unit_only", "只有上级单位可以执行此操作")


def check_own_entry(org: OrgTree, actor: UUID | None, logged_by: UUID, unit_id: UUID) -> None:
    """An entry is corrected or retracted by whoever logged it, or by an admin of its unit."""
    if actor != logged_by and not org.holds_role(actor, unit_id, ("admin",)):
        raise Forbidden("not_own_entry", "只能更正或撤回本人填报的记录")
