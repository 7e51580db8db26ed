"""The in-app inbox, written by the workers' effects. (The outbox they work from is
``taolun.projections.models.OutboxMessage``: it lives beside the projections that write it.)"""

from django.db import models


class InboxMessage(models.Model):
    """One notice to one user. ``key`` is the claim (recipient, rule, subject, due date or
    event position): unique, so a notice written twice (a projection batch or an actor run
    again) is still one row. ``subject``/``body`` are the Chinese text; ``rule`` and
    ``params`` let a page show it in the reader's language (``notifications.texts``)."""

    key = models.CharField(max_length=200, unique=True)
    user_id = models.UUIDField(db_index=True)
    rule = models.CharField(max_length=40, default="")
    params = models.JSONField(default=dict)
    level = models.CharField(max_length=8, default="")  # 督办: blue | yellow | red
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user_id", "read_at"], name="inbox_unread")]


class WebhookEndpoint(models.Model):
    """A unit's outgoing webhook: a generic JSON POST signed with HMAC-SHA256 (see
    ``notifications/webhooks.py``; the secret is made here and shown once, at creation), or
    a 企业微信/钉钉 group robot (``notifications/robots.py``; 钉钉's secret is the robot's)."""

    node_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=16, default="json")  # json | wecom (企业微信) | dingtalk (钉钉)
    url = models.CharField(max_length=500)
    secret = models.CharField(max_length=100, blank=True, default="")
    active = models.BooleanField(default=True)
    created_by = models.UUIDField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Delivery(models.Model):
    """One notice on one outside channel (an e-mail to a user, a POST to an endpoint).

    ``key`` (sha256 of channel, target and the notice's key) is claimed when the notice is
    written, so a notice is queued for a channel once. Sending claims the row with a lease
    before it sends and records the outcome after; a failure is retried with backoff and
    never holds up another row. See docs/notices.md."""

    key = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=16)  # email | webhook
    target = models.CharField(max_length=500)  # the address, or the endpoint's URL
    user_id = models.UUIDField(null=True)  # e-mail: the recipient (their quiet hours)
    endpoint_id = models.BigIntegerField(null=True, db_index=True)
    node_id = models.UUIDField(null=True, db_index=True)  # whose admin sees it in the log
    rule = models.CharField(max_length=40)
    level = models.CharField(max_length=8, default="")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    params = models.JSONField(default=dict)
    # pending | sent | failed | skipped; an e-mail of a digest reader: held, then digested
    status = models.CharField(max_length=12, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], condition=models.Q(status="pending"),
                         name="delivery_due"),
            models.Index(fields=["user_id", "created_at"], condition=models.Q(status="held"),
                         name="delivery_held"),
        ]


class NoticePreference(models.Model):
    """A user's choices for outside channels: the kinds of notice (rules) not to e-mail,
    quiet hours (Asia/Shanghai; e-mail waits until they end) and the daily digest (one e-mail
    a day summarising the day's notices). No row: every kind, one by one, any time."""

    user_id = models.UUIDField(primary_key=True)
    email_off = models.JSONField(default=list)  # rules not e-mailed
    quiet_start = models.CharField(max_length=5, default="")  # "22:00"; empty: no quiet hours
    quiet_end = models.CharField(max_length=5, default="")  # "07:00"
    digest = models.BooleanField(default=False)  # e-mail: one summary a day instead of each notice
    updated_at = models.DateTimeField(auto_now=True)
