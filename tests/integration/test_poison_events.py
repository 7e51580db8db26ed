"""Poison events: input a read model cannot store is refused before it is an event, and an
event that a projection still cannot apply is parked while every other event moves on."""

import uuid

import pytest

from taolun.events.campaigns import Activity
from taolun.events.kernel import DomainError
from taolun.projections.models import ActivityRow, OrgNode, ParkedEvent, SuggestionRow
from taolun.projections.org_tree import OrgTreeProjection
from tests.integration.test_progress_projection import code, day
from tests.integration.actors import operator

pytestmark = pytest.mark.usefixtures("django_ready")


@pytest.fixture
def campaign(runtime):
    """A city campaign, published, with one branch below it; the runner caught up."""
    t, c = runtime.tenancy, runtime.campaigns
    city, _ = t.register_tenant(None, "bureau", code(), "市教育局")
    school, _ = t.register_tenant(None, "school", code(), "一中", city)
    branch, _ = t.register_tenant(None, "branch", code(), "一中支部", school)
    boss = operator(runtime)
    cid, _ = c.author_campaign(boss, city, "大讨论")
    c.add_phase(cid, boss, name="学习", start=day(-10), end=day(20))
    c.add_requirement(cid, boss, kind="专题学习", metric="count", minimum=1)
    c.add_topic(cid, boss, title="题目", group="一", mandatory=True)
    c.publish(cid, boss, derive_deadline=day(5))
    draft, _ = c.author_campaign(boss, city, "草案")
    runtime.runner.catch_up()
    ParkedEvent.objects.all().delete()
    yield {"city": city, "branch": branch, "campaign": cid, "draft": draft, "boss": boss}
    ParkedEvent.objects.all().delete()  # the in-process installation is shared by the session


def head(runtime) -> int:
    return runtime.apps.recorder.max_notification_id() or 0


# What reached the event store before, and stopped every projection on one backend or the
# other: NUL and integers >= 2^31 on PostgreSQL, integers >= 2^63 and hours beyond
# DECIMAL(10, 2) on SQLite. Each is refused on both, and nothing is appended.
POISON_COMMANDS = {
    "nul_in_suggestion_content": lambda r, w: r.campaigns.submit_suggestion(
        w["boss"], w["branch"], w["campaign"], title="建议", content="前\x00后"),
    "lone_surrogate_in_suggestion_title": lambda r, w: r.campaigns.submit_suggestion(
        w["boss"], w["branch"], w["campaign"], title="建\ud800议", content="内容"),
    "nul_in_tenant_name": lambda r, w: r.tenancy.rename_tenant(None, w["branch"], "支\x00部"),
    "newline_in_tenant_code": lambda r, w: r.tenancy.register_tenant(
        None, "branch", "a\nb", "支部", w["city"]),
    "nul_in_user_name": lambda r, w: r.tenancy.register_user(
        None, f"{code()}@x.cn", "张\x00三", w["branch"]),
    "participants_of_2_31": lambda r, w: r.campaigns.log_activity(
        w["boss"], w["branch"], w["campaign"], kind="专题学习", title="学习", start=day(-1),
        end=day(-1), participants=2**31),
    "participants_of_2_63": lambda r, w: r.campaigns.log_activity(
        w["boss"], w["branch"], w["campaign"], kind="专题学习", title="学习", start=day(-1),
        end=day(-1), participants=2**63),
    "hours_beyond_the_column": lambda r, w: r.campaigns.log_activity(
        w["boss"], w["branch"], w["campaign"], kind="专题学习", title="学习", start=day(-1),
        end=day(-1), hours="123456789"),
    "hours_with_three_decimals": lambda r, w: r.campaigns.log_activity(
        w["boss"], w["branch"], w["campaign"], kind="专题学习", title="学习", start=day(-1),
        end=day(-1), hours="1.125"),
    "hours_as_a_huge_exponent": lambda r, w: r.campaigns.log_activity(
        w["boss"], w["branch"], w["campaign"], kind="专题学习", title="学习", start=day(-1),
        end=day(-1), hours="1e999999999"),
    "overlong_activity_time": lambda r, w: r.campaigns.log_activity(
        w["boss"], w["branch"], w["campaign"], kind="专题学习", title="学习",
        start=day(-1) + "T08:00:00." + "0" * 60, end=day(-1)),
    "requirement_minimum_of_2_63": lambda r, w: r.campaigns.add_requirement(
        w["draft"], w["boss"], kind="座谈会", metric="count", minimum=2**63),
    "hours_requirement_beyond_the_column": lambda r, w: r.campaigns.add_requirement(
        w["draft"], w["boss"], kind="座谈会", metric="hours", minimum="0.001"),
    "nul_in_token_label": lambda r, w: r.tenancy.issue_token(
        None, r.tenancy.register_user(None, f"{code()}@x.cn", "甲", w["branch"])[0],
        label="api\x00"),
}


@pytest.mark.parametrize("poison", sorted(POISON_COMMANDS))
def test_input_a_read_model_cannot_store_is_refused_before_it_is_an_event(runtime, campaign, poison):
    before = head(runtime)
    with pytest.raises(DomainError) as refused:
        POISON_COMMANDS[poison](runtime, campaign)
    assert refused.value.status == 422
    assert refused.value.details.get("field")
    if poison != "nul_in_token_label":  # that one registers its user first, on purpose
        assert head(runtime) == before


def test_a_poison_event_is_parked_and_every_later_event_is_still_applied(runtime, campaign, monkeypatch):
    """An event that slipped past validation (here: validation switched off) cannot stop
    the read side: it is parked for the projections that fail on it; the rest move on."""
    c, runner = runtime.campaigns, runtime.runner
    monkeypatch.setattr(Activity, "validate", staticmethod(lambda fields, plan: dict(fields)))
    poison, poison_nid = c.log_activity(
        campaign["boss"], campaign["branch"], campaign["campaign"], kind="专题学习", title="学习",
        start=day(-1), end=day(-1), participants=2**63)  # beyond every integer column
    monkeypatch.undo()
    good, _ = c.log_activity(
        campaign["boss"], campaign["branch"], campaign["campaign"], kind="座谈会", title="座谈",
        start=day(-1), end=day(-1), participants=3)
    renamed_nid = runtime.tenancy.rename_tenant(None, campaign["branch"], "改名支部")

    runner.catch_up()

    parked = list(ParkedEvent.objects.filter(notification_id=poison_nid))
    assert parked and all(p.topic.endswith("Activity.Logged") and p.error for p in parked)
    assert not ActivityRow.objects.filter(pk=poison).exists()
    assert ActivityRow.objects.filter(pk=good).exists()
    assert OrgNode.objects.get(pk=campaign["branch"]).name == "改名支部"
    assert min(runner.positions().values()) >= renamed_nid
    assert runner.wait_for(renamed_nid, timeout=5)


def test_a_parked_event_applies_on_retry_once_the_projection_is_fixed(runtime, campaign, monkeypatch):
    runner = runtime.runner
    real_apply = OrgTreeProjection.apply
    target = {}

    def broken(self, event, notification):
        if notification.id == target.get("nid"):
            raise ValueError("a bug in the projection")
        real_apply(self, event, notification)

    monkeypatch.setattr(OrgTreeProjection, "apply", broken)
    target["nid"] = runtime.tenancy.rename_tenant(None, campaign["branch"], "新名字")
    after = runtime.tenancy.rename_tenant(None, campaign["city"], "新市局")
    runner.catch_up()
    row = ParkedEvent.objects.get(projection="org", notification_id=target["nid"])
    assert "a bug in the projection" in row.error
    assert OrgNode.objects.get(pk=campaign["city"]).name == "新市局"  # later events applied
    assert OrgNode.objects.get(pk=campaign["branch"]).name == "一中支部"

    assert "a bug in the projection" in runner.retry_parked(row.id)  # still broken: kept
    assert ParkedEvent.objects.get(pk=row.id).attempts == 2

    monkeypatch.setattr(OrgTreeProjection, "apply", real_apply)
    assert runner.retry_parked(row.id) is None
    assert not ParkedEvent.objects.filter(pk=row.id).exists()
    assert OrgNode.objects.get(pk=campaign["branch"]).name == "新名字"
    assert runner.caught_up_to(after)


def test_a_batch_without_failures_is_one_transaction_and_parks_nothing(runtime, campaign):
    c = runtime.campaigns
    ids = [
        c.submit_suggestion(campaign["boss"], campaign["branch"], campaign["campaign"],
                            title=f"建议{i}", content="多行\n内容\t可以")[0]
        for i in range(3)
    ]
    runtime.runner.catch_up()
    assert SuggestionRow.objects.filter(pk__in=ids).count() == 3
    assert not ParkedEvent.objects.exists()


def test_a_database_failure_parks_nothing_and_the_batch_is_retried(runtime, campaign, monkeypatch):
    from django.db import OperationalError

    runner = runtime.runner
    before = runner.positions()["org"]
    monkeypatch.setattr(OrgTreeProjection, "apply", lambda *a: (_ for _ in ()).throw(
        OperationalError("database is locked")))
    nid = runtime.tenancy.rename_tenant(None, campaign["branch"], "再改名")
    with pytest.raises(OperationalError):
        runner.run_once()
    assert runner.positions()["org"] == before
    assert not ParkedEvent.objects.exists()
    monkeypatch.undo()
    runner.catch_up()
    assert runner.caught_up_to(nid)
