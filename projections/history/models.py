"""One row per event of the notification log, for the auditors' history."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class HistoryEntry(models.Model):
    """An event as the history lists it. ``unit_id`` is the node the event belongs to (its
    ``tenant_id``; a user's event without one: the user's home). The subtree filter joins the
    unit to the org tree's current paths, so a moved unit's past moves with it. ``actor_id``
    is empty for the system and for the author of an anonymous suggestion (unmasking it is
    a recorded read of its own)."""

    position = models.BigIntegerField(primary_key=True)  # the notification id
    recorded_at = models.DateTimeField(db_index=True)
    event_type = models.CharField(max_length=64)  # "Plan.Approved"
    aggregate_id = models.UUIDField()
    aggregate_kind = models.CharField(max_length=32)  # "Plan"
    version = models.PositiveIntegerField()
    unit_id = models.UUIDField(null=True)
    actor_id = models.UUIDField(null=True)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)  # times as ISO text

    class Meta:
        indexes = [
            models.Index(fields=["unit_id", "position"], name="history_unit_position"),
            models.Index(fields=["aggregate_id", "position"], name="history_aggregate_position"),
            models.Index(fields=["actor_id", "position"], name="history_actor_position"),
            models.Index(fields=["event_type", "position"], name="history_type_position"),
        ]
