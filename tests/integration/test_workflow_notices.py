"""Workflow notices arrive at once in the inbox of the right people, each once: a campaign
published to a unit, a plan submitted for review, approved or returned with its reasons,
upstream changed, an activity returned, a suggestion answered, a rectification verified
or reopened — in Chinese, and in English through the catalogue."""

from __future__ import annotations

import pytest

from taolun.notifications.dispatch import perform
from taolun.notifications.models import InboxMessage
from taolun.projections.models import OutboxMessage
from taolun.notifications.texts import render
from taolun.notifications.workflow import deliver_workflow_notice
from tests.e2e.campaign_helpers import PDF, day, ok, upload
from tests.integration.notice_story import published_story

pytestmark = pytest.mark.usefixtures("django_ready")


def deliver(runtime) -> int:
    """Apply the log, then run every undone workflow-notice outbox row (as a worker would);
    answer how many effects ran."""
    runtime.runner.catch_up()
    ran = 0
    for row in OutboxMessage.objects.filter(actor_name="deliver_workflow_notice", done_at__isnull=True).order_by("id"):
        ran += perform(row.key, row.payload, deliver_workflow_notice)
    return ran


def inbox(user) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user_id=user.user["id"]).exclude(rule=""))


def rules(user) -> list[str]:
    return sorted(m.rule for m in inbox(user))


@pytest.fixture(scope="module")
def story(runtime):
    s = published_story(runtime)
    s.inspector = s.org.user_with_role(s.org.city, "inspector")
    deliver(runtime)
    return s


def test_the_admins_of_each_unit_asked_to_derive_are_told_of_the_publication_with_its_deadline(story):
    for admin in (story.district, story.district_b):
        [notice] = [m for m in inbox(admin) if m.rule == "campaign_published"]
        assert notice.subject == "上级下发了“全市教育系统解放思想大讨论活动实施方案”"
        assert day(5) in notice.body
    assert "campaign_published" not in rules(story.city)  # the publisher is not told


def test_a_submitted_plan_reaches_the_parent_admin_and_a_return_reaches_the_unit_with_reasons(runtime, story):
    plan = ok(story.school.post(f"/api/v1/plans/{story.campaign.id}/derive",
                                {"tenant_id": story.org.school_a["id"], "title": "实验中学实施方案"}), 201)
    ok(story.school.post(f"/api/v1/plans/{plan['id']}/submit", {}))
    deliver(runtime)
    [review] = [m for m in inbox(story.city) if m.rule == "plan_submitted"]
    assert review.subject == "“实验中学实施方案”已报送，待您审核" and "实验中学" in review.body
    assert "plan_submitted" not in rules(story.district)  # derived from the city's plan: the city reviews
    ok(story.city.post(f"/api/v1/plans/{plan['id']}/return", {"reasons": ["请补充整改落实阶段的具体措施", "时间安排过紧"]}))
    deliver(runtime)
    [returned] = [m for m in inbox(story.school) if m.rule == "plan_returned"]
    assert returned.body.endswith("退回理由：请补充整改落实阶段的具体措施；时间安排过紧")
    ok(story.school.post(f"/api/v1/plans/{plan['id']}/submit", {}))
    ok(story.city.post(f"/api/v1/plans/{plan['id']}/approve", {"comment": "同意"}))
    deliver(runtime)
    assert rules(story.school).count("plan_approved") == 1
    assert [m.rule for m in inbox(story.city)].count("plan_submitted") == 2  # submitted twice: told twice
    story.plan = plan


def test_an_activity_returned_tells_its_author_with_the_reason(runtime, story):
    activity = ok(story.secretary.post("/api/v1/activities", {
        "tenant_id": story.org.branch_a["id"], "plan_id": story.campaign.id, "kind": "专题学习",
        "title": "学习记录", "start": day(-1), "end": day(-1)}), 201)
    ok(story.inspector.post(f"/api/v1/activities/{activity['id']}/return", {"reason": "记录过于简单"}))
    deliver(runtime)
    [notice] = [m for m in inbox(story.secretary) if m.rule == "activity_returned"]
    assert notice.subject == "您登记的活动“学习记录”被驳回" and "记录过于简单" in notice.body


def test_an_answered_suggestion_tells_its_anonymous_author_only(runtime, story):
    s = ok(story.secretary.post("/api/v1/suggestions", {
        "tenant_id": story.org.branch_a["id"], "plan_id": story.campaign.id, "title": "建立青年教师导师制",
        "content": "建议每位青年教师配备一名导师", "anonymous": True}), 201)
    ok(story.school.post(f"/api/v1/suggestions/{s['id']}/answer", {"text": "已采纳，感谢"}))
    deliver(runtime)
    [notice] = [m for m in inbox(story.secretary) if m.rule == "suggestion_answered"]
    assert notice.body == "答复：已采纳，感谢"
    assert "suggestion_answered" not in rules(story.school)


def test_a_verified_then_reopened_rectification_tells_the_units_workers_each_time(runtime, story):
    evidence = ok(upload(story.secretary, story.org.branch_a["id"], PDF), 201)
    problem = ok(story.secretary.post("/api/v1/problems", {
        "tenant_id": story.org.branch_a["id"], "plan_id": story.campaign.id,
        "description": "理论学习不够深入", "category": "思想观念"}), 201)
    base = f"/api/v1/problems/{problem['id']}"
    ok(story.secretary.post(f"{base}/rectification", {"measures": ["每周集中学习"], "lead_leader": "张书记",
                                                      "responsible_units": ["第一党支部"], "deadline": day(3)}))
    ok(story.secretary.post(f"{base}/complete", {"summary": "完成", "evidence": [evidence]}))
    ok(story.school.post(f"{base}/verify", {"text": "销号"}))
    ok(story.school.post(f"{base}/reopen", {"reason": "整改不彻底"}))
    deliver(runtime)
    got = {m.rule: m for m in inbox(story.secretary)}
    assert "理论学习不够深入" in got["rectification_verified"].body
    assert got["rectification_reopened"].body.endswith("理由：整改不彻底")


def test_running_the_same_batch_and_the_same_actor_twice_writes_no_notice_twice(runtime, story):
    before = InboxMessage.objects.count()
    outbox = OutboxMessage.objects.filter(actor_name="deliver_workflow_notice").count()
    projection = runtime.runner.projection("workflow_notices")
    batch = runtime.apps.recorder.select_notifications(start=1, limit=10_000)
    from django.db import transaction

    with transaction.atomic():  # the whole log applied again, as a retried batch would
        for notification in batch:
            if notification.topic in projection.topics:
                projection.apply(runtime.apps.mapper.to_domain_event(notification), notification)
    assert OutboxMessage.objects.filter(actor_name="deliver_workflow_notice").count() == outbox
    for row in OutboxMessage.objects.filter(actor_name="deliver_workflow_notice"):
        deliver_workflow_notice(row.key, row.payload)  # a worker runs each again
    assert InboxMessage.objects.count() == before


def test_a_notice_reads_in_english_through_the_catalogue():
    subject, body = render("plan_returned", {"title": "Plan A", "unit": "School", "reasons": "too thin"}, "en")
    assert subject == "Your plan “Plan A” was returned"
    assert body == "The plan “Plan A” of School was returned. Reasons: too thin"
