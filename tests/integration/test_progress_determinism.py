"""Replay does not depend on where batch boundaries fall: the same log rebuilt with batches
of 1, 7, 500 and "all" gives the same progress tables, row by row."""

import uuid

import pytest
from django.forms.models import model_to_dict

from taolun.projections.campaigns import CampaignProjection
from taolun.projections.models import ActivityRow, PlanRow, ProblemRow, ProgressRow, SuggestionRow
from taolun.projections.runner import ProjectionRunner
from tests.integration.test_progress_projection import code, day
from tests.integration.actors import operator, uploaded_evidence

pytestmark = pytest.mark.usefixtures("django_ready")


def tables(campaign_id) -> dict:
    def rows(model):
        return [
            {k: v for k, v in model_to_dict(r).items() if k not in ("id", "updated_at")} | {"pk": str(r.pk)}
            for r in model.objects.filter(campaign_id=campaign_id).order_by("path", "pk")
        ]

    progress = [
        {k: v for k, v in model_to_dict(r).items() if k not in ("id", "updated_at")}
        for r in ProgressRow.objects.filter(campaign_id=campaign_id).order_by("path")
    ]
    return {"plans": rows(PlanRow), "activities": rows(ActivityRow), "suggestions": rows(SuggestionRow),
            "problems": rows(ProblemRow), "progress": progress}




def busy_history(runtime):
    """A district with its own plan, a school deriving straight from the city's campaign,
    requirements added after activities, a phase revised by an amendment, a move, a rename,
    an archived branch, returned and corrected activities, a reopened problem."""
    t, c = runtime.tenancy, runtime.campaigns
    boss = operator(runtime)
    city, _ = t.register_tenant(None, "bureau", code(), "市教育局")
    district, _ = t.register_tenant(None, "bureau", code(), "区教育局", city)
    s1, _ = t.register_tenant(None, "school", code(), "一中", district)
    s2, _ = t.register_tenant(None, "school", code(), "二中", district)
    b1, _ = t.register_tenant(None, "branch", code(), "一中支部", s1)
    b2, _ = t.register_tenant(None, "branch", code(), "二中支部", s2)
    s3, _ = t.register_tenant(None, "school", code(), "三中", city)
    b5, _ = t.register_tenant(None, "branch", code(), "三中支部", s3)
    cid, _ = c.author_campaign(boss, city, "大讨论")
    study, _ = c.add_phase(cid, boss, name="学习", start=day(-20), end=day(-5))
    c.add_phase(cid, boss, name="整改", start=day(-4), end=day(30))
    c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    c.add_requirement(cid, boss, kind="专题学习", metric="count", minimum=2, scope="phase", phase_id=study)
    c.publish(cid, boss, derive_deadline=day(-10))
    dplan, _ = c.derive_plan(cid, boss, district)
    c.add_requirement(dplan, boss, kind="主题党日", metric="days", minimum=1)
    c.submit(dplan, boss)
    c.approve(dplan, boss)
    c.publish(dplan, boss, derive_deadline=day(-8))
    splan, _ = c.derive_plan(cid, boss, s2)  # straight from the city, past its district
    c.submit(splan, boss)
    b3, _ = t.register_tenant(None, "branch", code(), "新支部", s1)
    for branch, plan, when in ((b1, dplan, -12), (b1, dplan, -6), (b2, splan, -3), (b3, dplan, -2),
                               (b5, cid, -16), (b5, cid, -6)):
        c.log_activity(boss, branch, plan, kind="专题学习", title="学习", start=day(when), end=day(when),
                       participants=5, hours="1.25")
    a, _ = c.log_activity(boss, b2, cid, kind="主题党日", title="党日", start=day(-1), end=day(-1),
                          participants=3, hours=2)
    c.return_activity(a, boss, "补充材料")
    c.correct_activity(a, boss, "已补充", participants=4)
    c.approve(splan, boss)
    c.reopen(cid, boss, "调整")
    c.revise_phase(cid, boss, study, end=day(-7))
    c.publish_amendment(cid, boss, "学习阶段提前结束")
    t.move_tenant(None, b3, s2)
    t.rename_tenant(None, s1, "第一中学")
    p, _ = c.record_problem(boss, b1, dplan, description="问题", category="工作作风")
    c.plan_rectification(p, boss, measures=["措施"], lead_leader="甲", responsible_units=["乙"],
                         deadline=day(-1))
    c.complete_rectification(p, boss, summary="完成", evidence=[uploaded_evidence(boss)])
    c.verify_rectification(p, boss)
    c.reopen_problem(p, boss, "反弹")
    s, _ = c.submit_suggestion(boss, b2, splan, title="建议", content="内容")
    c.adopt_suggestion(s, boss)
    b4, _ = t.register_tenant(None, "branch", code(), "撤销支部", s2)
    c.log_activity(boss, b4, splan, kind="专题学习", title="学习", start=day(-2), end=day(-2))
    t.archive_tenant(None, b4)
    return cid


def rebuild(runtime, batch_size: int) -> dict:
    runner = ProjectionRunner(runtime.apps.recorder, runtime.apps.mapper, [CampaignProjection()],
                              batch_size=batch_size, rebuild_batch_size=batch_size)
    runner.rebuild(["campaigns"])
    return runner


def test_a_rebuild_gives_the_same_tables_whatever_the_batch_size(runtime):
    cid = busy_history(runtime)
    runtime.runner.catch_up()
    live = tables(cid)
    assert len(live["progress"]) == 9  # b4 archived
    everything = runtime.apps.recorder.max_notification_id()
    for size in (1, 7, 500, everything):
        rebuild(runtime, size)
        assert tables(cid) == live, f"batch size {size}"
