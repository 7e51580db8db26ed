"""The chain's own state. Unlike a read model it is never cleared by a rebuild: a chain
recomputed from a tampered log would vouch for the tampering."""

from django.db import models


class ChainHead(models.Model):
    """The one row the keeper locks: how far the chain reaches, and its last link."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    position = models.BigIntegerField(default=0)
    link = models.BinaryField(max_length=32, default=bytes(32))
    updated_at = models.DateTimeField(auto_now=True)


class ChainLink(models.Model):
    """One link per stored event: its digest and the link that covers it."""

    position = models.BigIntegerField(primary_key=True)  # the event's notification id
    digest = models.BinaryField(max_length=32)
    link = models.BinaryField(max_length=32)


class ChainCheckpoint(models.Model):
    """A signed (position, head, time); the key lives outside the database."""

    position = models.BigIntegerField(primary_key=True)
    head = models.BinaryField(max_length=32)
    signed_at = models.DateTimeField()
    signature = models.BinaryField(max_length=64)
    key_id = models.CharField(max_length=32)


class ChainVerification(models.Model):
    """One run of the verification (the CLI's or the page's "verify now")."""

    RUNNING, PASSED, FAILED, ERROR = "running", "passed", "failed", "error"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=16, default=RUNNING)
    checked = models.BigIntegerField(default=0)  # events checked so far
    total = models.BigIntegerField(default=0)  # events to check
    position = models.BigIntegerField(default=0)  # the last position checked
    checkpoints = models.PositiveIntegerField(default=0)  # signed checkpoints that matched
    problem_kind = models.CharField(max_length=32, blank=True)
    problem_position = models.BigIntegerField(null=True)
    detail = models.TextField(blank=True)
    requested_by = models.UUIDField(null=True)

    class Meta:
        ordering = ["-started_at", "-id"]
