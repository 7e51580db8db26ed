"""The campaign projection against the real stores: progress rolled up the tree, a rebuild
from zero equal to the live model, and the upstream-changed policy through the outbox."""

import uuid
from datetime import timedelta

import pytest
from django.forms.models import model_to_dict

from taolun.projections import progress as figures
from taolun.projections.campaigns import time_zone
from taolun.projections.models import ActivityRow, OutboxMessage, PlanRow, ProblemRow, ProgressRow, SuggestionRow
from tests.integration.actors import operator

pytestmark = pytest.mark.usefixtures("django_ready")


def code() -> str:
    return uuid.uuid4().hex[:8]


def day(offset: int) -> str:
    return (figures.today(time_zone()) + timedelta(days=offset)).isoformat()


def campaign_state(campaign_id) -> dict:
    def rows(model, **filters):
        return [
            {k: v for k, v in model_to_dict(r).items() if k not in ("id", "updated_at")}
            | ({"pk": str(r.pk)} if model is not ProgressRow else {})
            for r in model.objects.filter(**filters).order_by("path", "pk")
        ]

    return {
        "plans": rows(PlanRow, campaign_id=campaign_id),
        "activities": rows(ActivityRow, campaign_id=campaign_id),
        "suggestions": rows(SuggestionRow, campaign_id=campaign_id),
        "problems": rows(ProblemRow, campaign_id=campaign_id),
        "progress": rows(ProgressRow, campaign_id=campaign_id),
    }


def build_city(runtime):
    """A city, two schools, three branches; a campaign published, one school derived."""
    t, c = runtime.tenancy, runtime.campaigns
    city, _ = t.register_tenant(None, "bureau", code(), "市教育局")
    schools = [t.register_tenant(None, "school", code(), f"学校{i}", city)[0] for i in range(2)]
    branches = [t.register_tenant(None, "branch", code(), f"支部{i}", schools[i % 2])[0] for i in range(3)]
    boss = operator(runtime)
    cid, _ = c.author_campaign(boss, city, "大讨论")
    phase, _ = c.add_phase(cid, boss, name="学习", start=day(-10), end=day(20))
    c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    c.add_requirement(cid, boss, kind="专题学习", metric="count", minimum=2)
    c.publish(cid, boss, derive_deadline=day(-5))
    plan, _ = c.derive_plan(cid, boss, schools[0])
    c.submit(plan, boss)
    c.approve(plan, boss)
    return city, schools, branches, cid, plan, phase, boss


def test_progress_rolls_up_and_a_rebuild_equals_the_live_model(runtime):
    c = runtime.campaigns
    city, schools, branches, cid, plan, phase, boss = build_city(runtime)
    acts = [
        c.log_activity(boss, branches[0], plan, kind="专题学习", title="学习", start=day(-3),
                       end=day(-3), participants=10, hours="1.5", phase_id=phase)[0]
        for _ in range(2)
    ]
    c.log_activity(boss, branches[1], cid, kind="主题党日", title="党日", start=day(-2), end=day(-2),
                   participants=7, hours=2)
    c.correct_activity(acts[1], boss, "人数有误", participants=12)
    c.return_activity(acts[0], boss, "太简单")
    s, _ = c.submit_suggestion(boss, branches[0], plan, title="建议", content="内容", anonymous=True)
    c.adopt_suggestion(s, boss)
    p, _ = c.record_problem(boss, branches[2], plan, description="问题", category="工作作风")
    c.plan_rectification(p, boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"], deadline=day(-1))
    runtime.runner.catch_up()

    root = ProgressRow.objects.get(campaign_id=cid, node_id=city)
    assert root.total["activities"] == 2 and root.total["participants"] == 19
    assert root.total["hours_x100"] == 350
    assert root.total["plans"] == {"approved": 1, "not_derived": 1}
    assert (root.total["req_met"], root.total["req_total"]) == (0, 3)
    assert root.total["deadlines"] == {day(-1): 1} and root.light == "red"
    school = ProgressRow.objects.get(campaign_id=cid, node_id=schools[0])
    assert school.total["activities"] == 1 and school.total["suggestions_adopted"] == 1

    live = campaign_state(cid)
    runtime.runner.rebuild(["campaigns"])
    assert campaign_state(cid) == live


def test_an_amendment_reaches_every_child_through_the_outbox_once(runtime):
    c = runtime.campaigns
    city, schools, branches, cid, plan, phase, boss = build_city(runtime)
    c.reopen(cid, boss, "调整")
    c.revise_phase(cid, boss, phase, end=day(15))
    runtime.runner.catch_up(c.publish_amendment(cid, boss, "缩短学习阶段"))
    row = OutboxMessage.objects.get(key=f"upstream:{plan}:2")
    mark_upstream_changed = runtime.effects["mark_upstream_changed"]
    mark_upstream_changed(row.key, row.payload)
    mark_upstream_changed(row.key, row.payload)  # a redelivery changes nothing
    runtime.runner.catch_up()
    child = PlanRow.objects.get(pk=plan)
    assert child.upstream_version == 2 and child.version == c.get_plan(plan).version
    assert [e for e in c.get_plan(plan).collect_events()] == []
    school = ProgressRow.objects.get(campaign_id=cid, node_id=schools[0])
    assert (school.plan_status, school.upstream_changed) == ("approved", True)
