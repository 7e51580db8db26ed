"""Checkpoints of the replayed views, kept in the live database (derived data: deleting
them only makes the next "as of" slower)."""

from django.db import models


class ViewCheckpoint(models.Model):
    # The log position the dumped tables stand at.
    position = models.BigIntegerField()
    # A fingerprint of the tables' columns: a checkpoint of another schema is never loaded.
    schema = models.CharField(max_length=64)
    taken_at = models.DateTimeField()
    size = models.IntegerField()  # bytes of ``rows``, for `taolun checkpoints`
    rows = models.BinaryField()  # zlib-compressed JSON, see checkpoints.dump

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schema", "position"], name="as_of_checkpoint_unique")]
