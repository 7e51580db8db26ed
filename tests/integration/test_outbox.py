"""An outbox row is done when its effect has committed, not when a broker accepted it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from taolun.notifications.actors import deliver_role_granted_notice
from taolun.notifications.dispatch import dispatch_pending, perform, release_leases
from taolun.notifications.models import InboxMessage
from taolun.projections.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("django_ready")


class LosingBroker:
    """Accepts every message and loses it (Redis restarted without persistence)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, key, payload):
        self.sent.append(key)


def granted_row(runtime) -> OutboxMessage:
    tenancy = runtime.tenancy
    runtime.runner.catch_up()
    lost = LosingBroker()
    while dispatch_pending({name: lost for name in runtime.actors}):
        pass  # earlier tests' rows: out of the way, so this row is the only one due
    OutboxMessage.objects.filter(done_at__isnull=True).update(lease_until=timezone.now() + timedelta(days=1))
    city, _ = tenancy.register_tenant(None, "bureau", uuid.uuid4().hex[:8], "市教育局")
    school, _ = tenancy.register_tenant(None, "school", uuid.uuid4().hex[:8], "学校", city)
    user, _ = tenancy.register_user(None, f"{uuid.uuid4().hex[:8]}@x.cn", "丁", school)
    runtime.runner.catch_up(tenancy.grant_role(None, user, school, "viewer"))
    return OutboxMessage.objects.get(payload__user_id=str(user))


def expire_lease(row: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


def test_a_row_the_broker_accepted_and_lost_is_sent_again_when_its_lease_runs_out(runtime):
    row = granted_row(runtime)
    broker = LosingBroker()
    actors = {row.actor_name: broker}
    assert dispatch_pending(actors) == 1
    row.refresh_from_db()
    assert row.dispatched_at is not None and row.done_at is None
    assert dispatch_pending(actors) == 0  # within its lease: not sent twice at once
    expire_lease(row)
    assert dispatch_pending(actors) == 1
    assert broker.sent == [row.key, row.key]
    row.refresh_from_db()
    assert row.attempts == 2 and row.lease_until - row.dispatched_at > timedelta(seconds=30)


def test_a_row_whose_effect_committed_is_never_sent_again(runtime):
    row = granted_row(runtime)
    assert perform(row.key, row.payload, deliver_role_granted_notice) is True
    row.refresh_from_db()
    assert row.done_at is not None
    expire_lease(row)
    broker = LosingBroker()
    assert dispatch_pending({row.actor_name: broker}) == 0 and broker.sent == []


def test_an_effect_that_fails_leaves_neither_the_effect_nor_the_confirmation(runtime):
    row = granted_row(runtime)

    def fails_after_writing(key, payload):
        deliver_role_granted_notice(key, payload)
        raise RuntimeError("worker died mid-way")

    with pytest.raises(RuntimeError):
        perform(row.key, row.payload, fails_after_writing)
    row.refresh_from_db()
    assert row.done_at is None and not InboxMessage.objects.filter(key=row.key).exists()


def test_a_second_copy_of_a_delivered_message_changes_nothing(runtime):
    row = granted_row(runtime)
    assert perform(row.key, row.payload, deliver_role_granted_notice) is True
    assert perform(row.key, row.payload, deliver_role_granted_notice) is False
    assert InboxMessage.objects.filter(key=row.key).count() == 1


def test_rows_an_earlier_process_sent_to_its_in_process_broker_are_due_again_at_start(runtime):
    row = granted_row(runtime)
    assert dispatch_pending({row.actor_name: LosingBroker()}) == 1
    assert release_leases() >= 1
    broker = LosingBroker()
    # Every actor: earlier tests' undone rows of other actors (report jobs) are due again too.
    assert dispatch_pending({name: broker for name in runtime.actors}) >= 1 and row.key in broker.sent
