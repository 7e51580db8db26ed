"""The time machine against the real stores: a view as of a position is the view the
projections had at that position, whether replayed from the start or from a checkpoint,
and a replay from a checkpoint reads only the tail of the log."""

import uuid
from datetime import timedelta

import pytest

from taolun.events.kernel import DomainError
from taolun.projections.as_of import checkpoints, moments
from taolun.projections.as_of.machine import TimeMachine
from taolun.projections.as_of.models import ViewCheckpoint
from taolun.projections.models import ActivityRow, OrgNode, PlanRow, ProgressRow
from taolun.platform.runtime import AS_OF_VIEWS, build_projections

pytestmark = pytest.mark.usefixtures("django_ready")


def code() -> str:
    return uuid.uuid4().hex[:8]


def views_of(city, campaign):
    """The rows of one city's tree and campaign in the views an as-of answers from (the
    live ones, or the scratch's): other tests' rows may have been changed behind the log's
    back (parked, retried, rebuilt). Without the row ids a rebuild renumbers and the
    wall-clock time a progress row was last written (the replay's own)."""
    def read() -> dict:
        path = OrgNode.objects.get(pk=city).path
        rows = {
            OrgNode: OrgNode.objects.filter(path__startswith=path).order_by("pk"),
            PlanRow: PlanRow.objects.filter(campaign_id=campaign).order_by("pk"),
            ProgressRow: ProgressRow.objects.filter(campaign_id=campaign).order_by("node_id"),
            ActivityRow: ActivityRow.objects.filter(campaign_id=campaign).order_by("pk"),
        }
        return {model.__name__: [{k: v for k, v in row.items() if (model, k) not in WRITTEN}
                                 for row in query.values()] for model, query in rows.items()}

    return read


WRITTEN = {(ProgressRow, "id"), (ProgressRow, "updated_at")}


class CountingLog:
    """The recorder, counting the notifications handed out in batches (not the single ones
    the clock's binary search reads)."""

    def __init__(self, recorder) -> None:
        self.recorder, self.read = recorder, 0

    def select_notifications(self, *args, **kwargs):
        found = self.recorder.select_notifications(*args, **kwargs)
        if len(found) > 1:
            self.read += len(found)
        return found

    def max_notification_id(self):
        return self.recorder.max_notification_id()


def machine(runtime, every: int, recorder=None) -> TimeMachine:
    def views() -> list:
        return [p for p in build_projections() if p.name in AS_OF_VIEWS]

    return TimeMachine(recorder or runtime.apps.recorder, runtime.apps.mapper, views, every)


def a_campaign_with_a_school(runtime) -> tuple:
    tenancy, campaigns = runtime.tenancy, runtime.campaigns
    boss, _ = tenancy.register_user(None, f"{code()}@asof.test", "审计演示", None, is_operator=True)
    city, _ = tenancy.register_tenant(None, "bureau", code(), "市教育局")
    school, _ = tenancy.register_tenant(None, "school", code(), "实验学校", city)
    campaign, _ = campaigns.author_campaign(boss, city, "解放思想大讨论")
    campaigns.add_phase(campaign, boss, name="学习", start="2026-01-01", end="2026-12-31")
    campaigns.add_topic(campaign, boss, title="题目", group="一", mandatory=True)
    campaigns.add_requirement(campaign, boss, kind="专题学习", metric="count", minimum=3)
    campaigns.publish(campaign, boss, derive_deadline="2026-02-01")
    campaigns.derive_plan(campaign, boss, school)
    return city, campaign


def test_the_view_at_the_logs_head_is_the_live_view_from_the_start_and_from_a_checkpoint(runtime):
    read_views = views_of(*a_campaign_with_a_school(runtime))
    runtime.runner.catch_up()
    head = runtime.apps.recorder.max_notification_id()
    live = read_views()
    checkpoints.drop()
    from_start = machine(runtime, every=10**9).at_position(head, read_views)
    assert from_start == live
    assert ViewCheckpoint.objects.count() == 0  # no boundary crossed, none stored
    every = max(1, head // 3)
    filling = machine(runtime, every).at_position(head, read_views)  # stores checkpoints on the way
    assert filling == live
    stored = [c["position"] for c in checkpoints.stored()]
    assert stored == [every * k for k in range(1, head // every + 1)]
    counting = CountingLog(runtime.apps.recorder)
    assert machine(runtime, every, counting).at_position(head, read_views) == live
    assert counting.read <= head - stored[-1]  # only the tail after the last checkpoint


def test_a_view_at_an_earlier_position_lacks_what_came_after_it(runtime):
    runtime.runner.catch_up()
    before = runtime.apps.recorder.max_notification_id()
    tenancy = runtime.tenancy
    city, _ = tenancy.register_tenant(None, "bureau", code(), "后来的教育局")
    runtime.runner.catch_up()
    names_then = machine(runtime, every=50).at_position(
        before, lambda: set(OrgNode.objects.values_list("name", flat=True)))
    assert "后来的教育局" not in names_then
    assert OrgNode.objects.filter(pk=city).exists()


def test_the_position_of_a_moment_is_the_last_event_at_or_before_it(runtime):
    tenancy = runtime.tenancy
    tenancy.register_tenant(None, "bureau", code(), "某局")
    clock = machine(runtime, every=50).clock
    head = runtime.apps.recorder.max_notification_id()
    [last] = runtime.apps.recorder.select_notifications(start=head, limit=1)
    at = clock.timestamp(last)
    assert clock.position_at(at) == head
    assert clock.position_at(at - timedelta(microseconds=1)) < head
    first = clock.timestamp(clock.first())
    with pytest.raises(DomainError) as error:
        clock.position_at(first - timedelta(seconds=1))
    assert error.value.code == "as_of_before_log"


def test_a_naive_moment_is_shanghai_time_and_a_future_one_is_refused():
    when = moments.parse("2026-03-01T08:00")
    assert when.utcoffset() == timedelta(hours=8) and moments.shown(when) == "2026-03-01T08:00:00+08:00"
    assert moments.parse("2026-03-01T00:00:00Z").hour == 8
    with pytest.raises(DomainError) as error:
        moments.parse((moments.now() + timedelta(minutes=5)).isoformat())
    assert error.value.code == "as_of_in_future"
    with pytest.raises(DomainError) as error:
        moments.parse_range("2026-03-02", "2026-03-01")
    assert error.value.code == "as_of_range_reversed"
