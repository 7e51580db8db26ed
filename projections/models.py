"""Read models: Django tables that projections fill from the event log.

Every row that belongs to a tenant carries the node's materialised ``path`` so that
"this node and everything below" is one indexed prefix query.
"""

from django.db import models


class ProjectionPosition(models.Model):
    """How far a projection has read the notification log (updated in its transaction)."""

    name = models.CharField(max_length=64, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class OrgNode(models.Model):
    id = models.UUIDField(primary_key=True)
    parent = models.ForeignKey("self", null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    path = models.CharField(max_length=1024, db_index=True)  # "<root hex>/<child hex>/.../"
    depth = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    archived = models.BooleanField(default=False)
    child_count = models.PositiveIntegerField(default=0)  # live children
    # Live nodes strictly below this one, by kind: {"school": 200, "branch": 1200, ...}
    subtree_counts = models.JSONField(default=dict)
    # Figures that later read models add to (activities, plans, ...), rolled up the tree.
    counters = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["parent", "code"])]
        ordering = ["path"]


class UserAccount(models.Model):
    id = models.UUIDField(primary_key=True)
    email = models.CharField(max_length=254, unique=True)
    name = models.CharField(max_length=100)
    home = models.ForeignKey(OrgNode, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    home_path = models.CharField(max_length=1024, db_index=True, default="")
    is_operator = models.BooleanField(default=False)
    created_at = models.DateTimeField()


class Grant(models.Model):
    user = models.ForeignKey(UserAccount, on_delete=models.CASCADE, related_name="grants", db_constraint=False)
    node = models.ForeignKey(OrgNode, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    path = models.CharField(max_length=1024, db_index=True)
    role = models.CharField(max_length=16)
    granted_at = models.DateTimeField()
    granted_by = models.UUIDField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "node", "role"], name="grant_once")]


class ApiToken(models.Model):
    token_id = models.CharField(max_length=32, primary_key=True)
    user = models.ForeignKey(UserAccount, on_delete=models.CASCADE, related_name="tokens", db_constraint=False)
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)
