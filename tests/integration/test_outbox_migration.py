"""Upgrading moves the outbox model to the projections app without touching its table:
the rows an installation had queued are still there, and still sent, afterwards."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from taolun.projections.models import OutboxMessage

BEFORE = [("projections", "0006_plan_released"), ("notifications", "0002_outbox_done_when_effect_committed")]


def test_an_installation_migrated_from_the_earlier_schema_keeps_its_outbox_rows(django_ready) -> None:
    call_command("migrate", "projections", "0006_plan_released", verbosity=0)
    try:
        # The schema as the earlier version left it: the outbox is the notifications app's.
        executor = MigrationExecutor(connection)
        old = executor.loader.project_state(BEFORE).apps
        assert ("notifications", "outboxmessage") in {(m._meta.app_label, m._meta.model_name)
                                                      for m in old.get_models()}
        old.get_model("notifications", "OutboxMessage").objects.create(
            key="upgrade:queued-before", actor_name="deliver_role_granted_notice",
            payload={"user_id": "u", "node_id": "n", "role": "viewer", "granted_by": None},
        )
    finally:
        call_command("migrate", verbosity=0)
    row = OutboxMessage.objects.get(key="upgrade:queued-before")
    assert row.done_at is None and row.payload["role"] == "viewer"
    assert OutboxMessage._meta.app_label == "projections"
    row.delete()
