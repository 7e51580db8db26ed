"""The projection runner against the real stores: exactly once, resumable, rebuildable;
and the outbox carrying a role grant to the grantee's inbox."""

import time
import uuid

import pytest
from django.db import OperationalError
from django.forms.models import model_to_dict

from taolun.notifications.actors import deliver_role_granted_notice
from taolun.notifications.dispatch import dispatch_pending
from taolun.notifications.models import InboxMessage
from taolun.projections.models import ApiToken, Grant, OrgNode, OutboxMessage, UserAccount
from taolun.projections.org_tree import OrgTreeProjection

pytestmark = pytest.mark.usefixtures("django_ready")


def code() -> str:
    return uuid.uuid4().hex[:8]


def small_tree(tenancy):
    city, _ = tenancy.register_tenant(None, "bureau", code(), "市教育局")
    district, _ = tenancy.register_tenant(None, "bureau", code(), "区教育局", city)
    school, nid = tenancy.register_tenant(None, "school", code(), "学校", district)
    return city, district, school, nid


def directory_state() -> dict:
    def rows(model, order):
        return [
            {k: v for k, v in model_to_dict(r).items() if k != "id" or model is not Grant}
            for r in model.objects.order_by(*order)
        ]

    return {
        "nodes": rows(OrgNode, ["id"]),
        "users": rows(UserAccount, ["id"]),
        "grants": rows(Grant, ["user", "node", "role"]),
        "tokens": rows(ApiToken, ["token_id"]),
    }


def test_a_batch_that_fails_midway_leaves_nothing_behind_and_is_applied_once_later(runtime, monkeypatch):
    runtime.runner.catch_up()
    tenancy = runtime.tenancy
    city, _ = tenancy.register_tenant(None, "bureau", code(), "市教育局")
    children = [tenancy.register_tenant(None, "school", code(), f"学校{i}", city)[0] for i in range(5)]
    before = runtime.runner.positions()["org"]

    calls = {"n": 0}
    real_apply = OrgTreeProjection.apply

    def crash_on_fourth(self, event, notification):
        calls["n"] += 1
        if calls["n"] == 4:  # the database went away: no event is to blame, nothing parked
            raise OperationalError("power cut")
        real_apply(self, event, notification)

    monkeypatch.setattr(OrgTreeProjection, "apply", crash_on_fourth)
    with pytest.raises(OperationalError):
        runtime.runner.run_once()
    assert runtime.runner.positions()["org"] == before
    assert not OrgNode.objects.filter(pk__in=[city, *children]).exists()

    monkeypatch.setattr(OrgTreeProjection, "apply", real_apply)
    runtime.runner.catch_up()
    assert OrgNode.objects.filter(pk__in=[city, *children]).count() == 6
    assert OrgNode.objects.get(pk=city).subtree_counts == {"school": 5}
    assert OrgNode.objects.get(pk=city).child_count == 5


def test_wait_for_returns_once_the_write_is_projected(runtime):
    city, district, school, nid = small_tree(runtime.tenancy)
    assert runtime.runner.wait_for(nid, timeout=10)
    assert OrgNode.objects.get(pk=school).path.startswith(OrgNode.objects.get(pk=city).path)


def test_a_rebuilt_directory_equals_the_live_one(runtime):
    tenancy = runtime.tenancy
    city, district, school, _ = small_tree(tenancy)
    other, _ = tenancy.register_tenant(None, "bureau", code(), "另一区", city)
    tenancy.move_tenant(None, school, other)
    tenancy.rename_tenant(None, district, "改名区")
    user, _ = tenancy.register_user(None, f"{code()}@x.cn", "甲", school)
    tenancy.grant_role(None, user, school, "admin")
    tenancy.revoke_role(None, user, school, "admin")
    tenancy.grant_role(None, user, other, "viewer")
    issued = tenancy.issue_token(None, user)
    tenancy.revoke_token(None, user, issued.token_id)
    tenancy.archive_tenant(None, other, cascade=True)
    runtime.runner.catch_up()
    live = directory_state()

    progress = []
    total = runtime.runner.rebuild(["org"], progress=lambda done, of: progress.append((done, of)))
    assert total >= 1 and progress and progress[-1][0] == total
    assert directory_state() == live


def test_a_role_grant_reaches_the_inbox_once_even_if_the_actor_runs_twice(runtime):
    tenancy = runtime.tenancy
    city, _, school, _ = small_tree(tenancy)
    user, _ = tenancy.register_user(None, f"{code()}@x.cn", "乙", school)
    runtime.runner.catch_up(tenancy.grant_role(None, user, school, "secretary"))

    row = OutboxMessage.objects.get(payload__user_id=str(user))
    deliver_role_granted_notice(row.key, row.payload)
    deliver_role_granted_notice(row.key, row.payload)
    messages = InboxMessage.objects.filter(user_id=user)
    assert messages.count() == 1
    assert "学校" in messages.get().subject and "支部书记" in messages.get().subject


class Sink:
    def send(self, *args, **kwargs):
        pass


def test_the_outbox_survives_a_broker_outage_and_is_delivered_through_the_real_broker(runtime):
    tenancy = runtime.tenancy
    runtime.runner.catch_up()
    while dispatch_pending({name: Sink() for name in runtime.actors}):
        pass  # earlier tests' rows: out of the way, so this row is the oldest pending
    city, _, school, _ = small_tree(tenancy)
    user, _ = tenancy.register_user(None, f"{code()}@x.cn", "丙", school)
    runtime.runner.catch_up(tenancy.grant_role(None, user, city, "viewer"))
    row = OutboxMessage.objects.get(payload__user_id=str(user))

    class BrokerDown:
        def send(self, *args, **kwargs):
            raise ConnectionError("broker unreachable")

    assert dispatch_pending({row.actor_name: BrokerDown()}) == 0
    row.refresh_from_db()
    assert row.dispatched_at is None and row.attempts == 1 and "unreachable" in row.last_error

    runtime.start_worker(threads=1)
    try:
        sent = dispatch_pending(runtime.actors)
        assert sent >= 1
        # A second dispatch of the same row (a crash before it was marked) is harmless.
        runtime.actors[row.actor_name].send(row.key, row.payload)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not InboxMessage.objects.filter(user_id=user).exists():
            time.sleep(0.1)
        time.sleep(0.5)
        assert InboxMessage.objects.filter(user_id=user).count() == 1
    finally:
        runtime.worker.stop()
        runtime.worker = None


def test_the_background_runner_picks_up_new_events_by_itself(runtime):
    """In `taolun serve`/`taolun project` nobody calls catch_up: on PostgreSQL the runner
    wakes on LISTEN/NOTIFY, embedded it polls; either way the event lands."""
    if not any(t.name == "taolun-projections" for t in runtime.threads):
        runtime.start_projections()
    _, _, school, nid = small_tree(runtime.tenancy)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not runtime.runner.caught_up_to(nid):
        time.sleep(0.05)
    assert OrgNode.objects.filter(pk=school).exists()


class HookedProjection:
    """A projection with the optional batch hooks; records the calls it gets."""

    topics = OrgTreeProjection.topics

    def __init__(self, name: str, fail_in_end: bool = False) -> None:
        self.name = name
        self.fail_in_end = fail_in_end
        self.calls: list[str] = []
        self.pending: list = []

    def begin_batch(self) -> None:
        self.pending = []
        self.calls.append("begin")

    def apply(self, event, notification) -> None:
        self.pending.append(notification.id)
        self.calls.append("apply")

    def end_batch(self) -> None:
        from django.db import connection

        from taolun.projections.models import ProjectionPosition

        assert connection.in_atomic_block  # inside the runner's transaction
        self.calls.append("end")
        # A set-based flush: one row written for the whole batch.
        ProjectionPosition.objects.update_or_create(
            name=f"{self.name}-flushed", defaults={"position": max(self.pending)}
        )
        if self.fail_in_end:  # the database failed, not an event: the batch is retried whole
            raise OperationalError("flush failed")

    def clear(self) -> None:
        pass


class PlainProjection:
    """No hooks at all: still driven by the runner."""

    topics = OrgTreeProjection.topics

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen = 0

    def apply(self, event, notification) -> None:
        self.seen += 1

    def clear(self) -> None:
        pass


def test_batch_hooks_run_inside_the_batch_transaction_and_a_failing_end_batch_moves_nothing(runtime):
    from taolun.projections.models import ProjectionPosition
    from taolun.projections.runner import ProjectionRunner

    small_tree(runtime.tenancy)
    head = runtime.apps.recorder.max_notification_id()
    tag = code()
    hooked = HookedProjection(f"hooked-{tag}", fail_in_end=True)
    plain = PlainProjection(f"plain-{tag}")
    runner = ProjectionRunner(runtime.apps.recorder, runtime.apps.mapper, [hooked, plain],
                              batch_size=100_000)

    with pytest.raises(OperationalError, match="flush failed"):
        runner.run_once()
    assert hooked.calls[0] == "begin" and hooked.calls[-1] == "end"
    assert hooked.calls.count("begin") == hooked.calls.count("end") == 1
    # The whole batch rolled back: no flushed row, and neither position moved.
    assert not ProjectionPosition.objects.filter(name=f"{hooked.name}-flushed").exists()
    assert runner.positions() == {hooked.name: 0, plain.name: 0}

    hooked.fail_in_end = False
    hooked.calls.clear()
    plain.seen = 0
    assert runner.wait_for(head, timeout=10)
    assert hooked.calls[0] == "begin" and hooked.calls[-1] == "end"
    assert hooked.calls.count("begin") == hooked.calls.count("end") == 1
    flushed = ProjectionPosition.objects.get(name=f"{hooked.name}-flushed").position
    assert flushed == max(hooked.pending) <= head
    assert runner.positions()[hooked.name] >= head
    assert runner.positions()[plain.name] >= head
    assert plain.seen == hooked.calls.count("apply") > 0
    ProjectionPosition.objects.filter(name__startswith=f"hooked-{tag}").delete()
    ProjectionPosition.objects.filter(name=plain.name).delete()
