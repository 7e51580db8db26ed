"""The in-app inbox, written by the workers' effects. (The outbox they work from is
``taolun.projections.models.OutboxMessage``: it lives beside the projections that write it.)"""

from django.db import models


class InboxMessage(models.Model):
    key = models.CharField(max_length=200, unique=True)
    user_id = models.UUIDField(db_index=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
