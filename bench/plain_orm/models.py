"""The baseline's tables: what a team without event sourcing would model for the same feature.

The organisation tree with a materialised path (``PlainNode``), users with grants and hashed
API tokens, a campaign with its phases, tasks, topics and per-unit requirements, a plan per
unit with its status, activities with their links (unit, campaign, plan, phase, task,
topics) and rectifications. No read model: progress is computed on read (plain_orm/progress.py).
"""

import uuid

from django.db import models


class PlainNode(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    parent_id = models.UUIDField(null=True, db_index=True)
    kind = models.CharField(max_length=16)
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=1024, db_index=True)
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent_id", "code"], name="plain_sibling_code")
        ]


class PlainUser(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=100)
    is_operator = models.BooleanField(default=False)


class PlainGrant(models.Model):
    user = models.ForeignKey(PlainUser, on_delete=models.CASCADE, related_name="grants")
    path = models.CharField(max_length=1024)
    role = models.CharField(max_length=32)


class PlainToken(models.Model):
    user = models.ForeignKey(PlainUser, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)


class PlainCampaign(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    node = models.ForeignKey(PlainNode, on_delete=models.PROTECT)
    title = models.CharField(max_length=500)
    window_start = models.DateField()
    window_end = models.DateField()
    settings = models.JSONField(default=dict)


class PlainPhase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    campaign = models.ForeignKey(PlainCampaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()


class PlainTask(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    campaign = models.ForeignKey(PlainCampaign, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=500)


class PlainTopic(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    campaign = models.ForeignKey(PlainCampaign, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=500)


class PlainRequirement(models.Model):
    """Per unit: every branch and office below the campaign logs ``minimum`` of ``kind``."""

    campaign = models.ForeignKey(PlainCampaign, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=32)
    minimum = models.PositiveIntegerField()


class PlainPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    campaign = models.ForeignKey(PlainCampaign, on_delete=models.CASCADE)
    node = models.ForeignKey(PlainNode, on_delete=models.PROTECT)
    path = models.CharField(max_length=1024, db_index=True)  # the unit's, as a team would copy it
    status = models.CharField(max_length=16, default="draft")


class PlainActivity(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    node = models.ForeignKey(PlainNode, on_delete=models.PROTECT)
    campaign = models.ForeignKey(PlainCampaign, on_delete=models.PROTECT)
    plan = models.ForeignKey(PlainPlan, on_delete=models.PROTECT)
    phase = models.ForeignKey(PlainPhase, null=True, on_delete=models.PROTECT)
    task = models.ForeignKey(PlainTask, null=True, on_delete=models.PROTECT)
    topics = models.ManyToManyField(PlainTopic, related_name="activities")
    logged_by = models.ForeignKey(PlainUser, on_delete=models.PROTECT)
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=500)
    start = models.DateField()
    end = models.DateField()
    participants = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    status = models.CharField(max_length=16, default="logged")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "node"], name="plain_act_campaign_node")]


class PlainRectification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    node = models.ForeignKey(PlainNode, on_delete=models.PROTECT)
    campaign = models.ForeignKey(PlainCampaign, on_delete=models.PROTECT)
    plan = models.ForeignKey(PlainPlan, on_delete=models.PROTECT)
    description = models.TextField()
    deadline = models.DateField(null=True)
    status = models.CharField(max_length=16, default="open")
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["campaign", "node"], name="plain_rect_campaign_node")]
