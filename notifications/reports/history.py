"""A campaign's facts under a unit as they stood at one notification position, folded from
the event log itself (not from the read models, which only know "now").

Summaries (阶段总结, 总结报告) and 简报 are built from this: a document computed at position
``at`` can be computed again at ``at`` later, after any number of new events, and say exactly
the same thing — which is what a summary submitted upward (上报) promises.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.topics import every_topic
from taolun.tenants.domainmodel import Tenant

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE = 500
FOLDED = (Activity, Problem, Suggestion, Tenant, Plan)


@dataclass
class Facts:
    at: int
    as_of: date  # the day (Asia/Shanghai) of the last event at or before ``at``
    campaign: Any  # the campaign's Plan as it was
    unit: Any  # the Tenant the report is about, as it was
    units: dict[UUID, Any]  # the unit and every unit below it, as they were
    plan_ids: set[UUID]  # the campaign and its derived plans (entries point at one of them)
    activities: list[Any] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    suggestions: list[Any] = field(default_factory=list)
    adopted_on: dict[UUID, date] = field(default_factory=dict)  # suggestion -> day adopted
    closed_on: dict[UUID, date] = field(default_factory=dict)  # problem -> day verified (销号)

    def unit_name(self, unit_id: UUID) -> str:
        unit = self.units.get(unit_id)
        return unit.name if unit is not None else ""


def _event_topics() -> list[str]:
    return sorted({t for agg in FOLDED for cls in vars(agg).values()
                   if isinstance(cls, type) and issubclass(cls, Aggregate.Event) for t in every_topic(cls)})


def _notifications(app: Any, at: int, topics: list[str]) -> Iterator[Any]:
    start = 1
    while start <= at:
        page = app.recorder.select_notifications(start, PAGE, stop=at, topics=topics)
        if not page:
            return
        yield from page
        start = page[-1].id + 1


def _day(app: Any, at: int) -> date | None:
    """The day of the last event at or before ``at`` (``at`` itself may be a gap on PostgreSQL)."""
    start = at - PAGE + 1
    while at and start + PAGE - 1 >= 1:
        page = app.recorder.select_notifications(max(1, start), PAGE, stop=at)
        if page:
            return app.mapper.to_domain_event(page[-1]).timestamp.astimezone(SHANGHAI).date()
        start -= PAGE
    return None


def facts_at(app: Any, at: int, *, campaign_id: UUID, plan_ids: set[UUID], unit_id: UUID) -> Facts | None:
    """The facts under ``unit_id`` at position ``at``; ``None`` when the unit or the campaign
    did not exist yet. ``plan_ids``: the campaign's plans (which plan belongs to which
    campaign never changes, so the read model's list serves any position)."""
    day = _day(app, at)
    if day is None:
        return None
    state: dict[UUID, Any] = {}
    adopted_on: dict[UUID, date] = {}
    closed_on: dict[UUID, date] = {}
    plan_topics = {t for cls in vars(Plan).values() if isinstance(cls, type) for t in every_topic(cls)}
    for notification in _notifications(app, at, _event_topics()):
        if notification.topic in plan_topics and notification.originator_id != campaign_id:
            continue  # only the campaign's own plan is needed (its title and phases)
        event = app.mapper.to_domain_event(notification)
        state[event.originator_id] = event.mutate(state.get(event.originator_id))
        if isinstance(event, Suggestion.Adopted):
            adopted_on[event.originator_id] = event.timestamp.astimezone(SHANGHAI).date()
        elif isinstance(event, Problem.Verified):
            closed_on[event.originator_id] = event.timestamp.astimezone(SHANGHAI).date()
        elif isinstance(event, Problem.Reopened):
            closed_on.pop(event.originator_id, None)
    unit, campaign = state.get(unit_id), state.get(campaign_id)
    if not isinstance(unit, Tenant) or not isinstance(campaign, Plan):
        return None
    units = _subtree(unit_id, [a for a in state.values() if isinstance(a, Tenant)])
    facts = Facts(at=at, as_of=day, campaign=campaign, unit=unit, units=units, plan_ids=set(plan_ids),
                  adopted_on=adopted_on, closed_on=closed_on)
    for aggregate in sorted(state.values(), key=lambda a: (a.created_on, str(a.id))):
        if getattr(aggregate, "tenant_id", None) not in units:
            continue
        if isinstance(aggregate, Activity) and aggregate.campaign_id == campaign_id:
            facts.activities.append(aggregate)
        elif isinstance(aggregate, Problem) and aggregate.plan_id in facts.plan_ids:
            facts.problems.append(aggregate)
        elif isinstance(aggregate, Suggestion) and aggregate.plan_id in facts.plan_ids:
            facts.suggestions.append(aggregate)
    return facts


def _subtree(root: UUID, tenants: list[Any]) -> dict[UUID, Any]:
    children: dict[UUID | None, list[Any]] = {}
    for tenant in tenants:
        children.setdefault(tenant.parent_id, []).append(tenant)
    by_id = {t.id: t for t in tenants}
    found, todo = {}, [by_id[root]]
    while todo:
        tenant = todo.pop()
        found[tenant.id] = tenant
        todo.extend(children.get(tenant.id, []))
    return found
