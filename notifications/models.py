"""The outbox (work for the workers, written by projections) and the in-app inbox."""

from django.db import models


class OutboxMessage(models.Model):
    """Written in the projection's transaction; a dispatcher hands it to the broker.

    ``key`` is stable (derived from the event id), so a message sent twice is still one
    effect: the actor is idempotent on it.
    """

    key = models.CharField(max_length=200, unique=True)
    actor_name = models.CharField(max_length=100)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")


class InboxMessage(models.Model):
    key = models.CharField(max_length=200, unique=True)
    user_id = models.UUIDField(db_index=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
