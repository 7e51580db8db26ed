from django.db import models


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``, kept for replay once its
    effect committed. Only a cache of answers: whether the request happened is the event
    log's (``RequestIndex``); a lost or purged row means the answer is rebuilt."""

    scope = models.CharField(max_length=64)  # the authenticated user's id
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # method, path and body
    status = models.PositiveSmallIntegerField(null=True)  # None: a row of the old in-flight scheme
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_once")]
