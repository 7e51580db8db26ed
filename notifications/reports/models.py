"""The report job list: written by the reports projection (request, outcome) and by the
worker (``running`` and its progress, which is not an event: it matters only while it runs)."""

from django.db import models


class ReportJob(models.Model):
    id = models.UUIDField(primary_key=True)  # the Report aggregate's id
    kind = models.CharField(max_length=32)
    format = models.CharField(max_length=8)
    subject_type = models.CharField(max_length=8)  # plan | unit
    subject_id = models.UUIDField()
    campaign_id = models.UUIDField(null=True)
    for_unit = models.UUIDField()
    path = models.CharField(max_length=1024, db_index=True)  # the subject's unit path
    requested_by = models.UUIDField(db_index=True)
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=8, default="queued")  # queued | running | done | failed
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    reason = models.TextField(blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    filename = models.CharField(max_length=255, blank=True, default="")
    computed_at = models.BigIntegerField(null=True)  # notification position of the data read
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    # 上报: a summary submitted to the unit above (its sha256 and computed_at stay as built)
    submitted_to = models.UUIDField(null=True)
    submitted_path = models.CharField(max_length=1024, blank=True, default="", db_index=True)  # of submitted_to
    submitted_by = models.UUIDField(null=True)
    submitted_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-requested_at"]
