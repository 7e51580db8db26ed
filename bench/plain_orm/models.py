import uuid

from django.db import models


class PlainNode(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    parent_id = models.UUIDField(null=True)
    kind = models.CharField(max_length=16)
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=1024, db_index=True)
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent_id", "code"], name="plain_sibling_code")
        ]
