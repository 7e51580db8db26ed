"""A plan written before the aggregates moved out of ``domainmodel`` is still projected."""

import uuid

from taolun.events.campaigns import Plan
from taolun.projections.models import PlanRow
from tests.unit.test_moved_topics import as_stored_before_the_move


def test_a_plan_stored_under_the_old_topics_is_projected(runtime):
    city, _ = runtime.tenancy.register_tenant(None, "bureau", uuid.uuid4().hex[:8], "市教育局")
    plan = Plan.author(tenant_id=city, actor=None, title="旧日志里的方案")
    runtime.campaigns.recorder.insert_events(as_stored_before_the_move(runtime.campaigns, plan))
    runtime.runner.catch_up()
    assert PlanRow.objects.get(pk=plan.id).title == "旧日志里的方案"
