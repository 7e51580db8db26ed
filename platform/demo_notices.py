"""The demo city's notices, made at load through the paths the workers take: the workflow
notices of its history (the outbox rows its events queued, performed as the worker performs
them), the reminder scan as of the demo's today (督办 in the inboxes), and a webhook of
邗江中学 whose delivery log lists what the school was told. Idempotent like the rest of the
load: every notice and delivery is claimed by its key, the endpoint is made once."""

from __future__ import annotations

from datetime import date
from uuid import UUID

# Where the demo school's webhook points: nothing listens there, so its log shows the
# deliveries retried with backoff (replace it with a 企业微信/钉钉 robot's URL to see them arrive).
DEMO_HOOK = "http://127.0.0.1:9/taolun-demo-webhook"
NOTICE_ACTORS = ("deliver_workflow_notice", "deliver_role_granted_notice")


def make_notices(runtime, school: UUID, admin: UUID, today: date) -> int:
    """Answer how many reminders the scan posted."""
    from taolun.notifications.models import WebhookEndpoint
    from taolun.notifications.reminders import scan
    from taolun.notifications.webhooks import create_endpoint
    from taolun.projections.models import OutboxMessage

    if not WebhookEndpoint.objects.filter(node_id=school).exists():
        create_endpoint(school, DEMO_HOOK, "json", created_by=admin)
    pending = OutboxMessage.objects.filter(done_at__isnull=True, actor_name__in=NOTICE_ACTORS).order_by("id")
    runtime.run_outbox_now(list(pending))
    return scan(on=today)
