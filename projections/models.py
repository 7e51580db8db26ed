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


class ParkedEvent(models.Model):
    """An event a projection could not apply (dead-lettered): the projection moved past it.

    Listed by ``taolun parked`` and counted by /readyz; ``taolun parked retry`` applies it
    again (out of order) and deletes the row when that succeeds.
    """

    projection = models.CharField(max_length=64)
    notification_id = models.BigIntegerField()
    topic = models.CharField(max_length=255)
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    parked_at = models.DateTimeField()
    last_tried_at = models.DateTimeField()

    class Meta:
        ordering = ["notification_id", "projection"]
        constraints = [
            models.UniqueConstraint(
                fields=["projection", "notification_id"], name="parked_event_once"
            )
        ]


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


# ---------------------------------------------------------------------------- campaigns
# Filled by ``taolun.projections.campaigns.CampaignProjection`` (one projection, "campaigns").


class PlanRow(models.Model):
    """A campaign or derived plan as lists, access checks and progress need it. The full
    plan (sections, leading group, versions) is read from its aggregate."""

    id = models.UUIDField(primary_key=True)
    campaign_id = models.UUIDField(db_index=True)
    parent_id = models.UUIDField(null=True, db_index=True)
    node_id = models.UUIDField(db_index=True)
    path = models.CharField(max_length=1024, db_index=True)
    kind = models.CharField(max_length=16)  # campaign | derived
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16)
    version = models.PositiveIntegerField()
    released_version = models.PositiveIntegerField(default=0)
    parent_version = models.PositiveIntegerField(null=True)
    upstream_version = models.PositiveIntegerField(null=True)  # pending parent release
    conflicts = models.JSONField(default=list)
    phases = models.JSONField(default=dict)
    requirements = models.JSONField(default=dict)
    tasks = models.JSONField(default=dict)  # the draft's tasks with their assignments
    window_start = models.CharField(max_length=10, default="")  # campaigns: latest release
    window_end = models.CharField(max_length=10, default="")
    publication = models.JSONField(null=True)
    # What binds the units it governs: the phases and requirements of its latest released
    # version (a campaign's publication or amendment, a derived plan's approval); drafts bind nobody.
    released = models.JSONField(default=dict)
    progress_settings = models.JSONField(default=dict)  # campaigns: light thresholds (over the defaults)
    return_reasons = models.JSONField(default=list)
    submissions = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()


class TaskAssignment(models.Model):
    """A task of a plan given to one of the plan's branches or offices, with its owner and
    due date (the assignment's, else the task's): what the 督办 of tasks reads. Rewritten
    from ``PlanRow.tasks`` whenever a plan's tasks change; it binds from the plan's first
    release (a draft binds nobody). Done: the unit has logged an activity for the task
    (read with the activities, as requirements are)."""

    plan_id = models.UUIDField(db_index=True)
    campaign_id = models.UUIDField()
    task_id = models.CharField(max_length=36)
    node_id = models.UUIDField(db_index=True)  # the unit the task is given to
    assigned_by = models.UUIDField()  # the plan's unit
    title = models.CharField(max_length=500)
    owner = models.CharField(max_length=100, default="")
    due = models.CharField(max_length=10, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan_id", "task_id", "node_id"], name="assignment_once")]


class UnitEntry(models.Model):
    """What a unit logs against a plan of a campaign (an activity, a suggestion, a problem):
    the columns every such row has."""

    id = models.UUIDField(primary_key=True)
    campaign_id = models.UUIDField()
    plan_id = models.UUIDField()
    node_id = models.UUIDField()
    path = models.CharField(max_length=1024, db_index=True)

    class Meta:
        abstract = True


class ActivityRow(UnitEntry):
    logged_by = models.UUIDField()
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=500)
    start = models.CharField(max_length=40)
    end = models.CharField(max_length=40)
    participants = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    phase_id = models.CharField(max_length=36, null=True)
    task_id = models.CharField(max_length=36, null=True)
    status = models.CharField(max_length=16)  # logged | returned | retracted
    data = models.JSONField(default=dict)  # the remaining fields and the history
    logged_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["node_id", "campaign_id"])]


class SuggestionRow(UnitEntry):
    author = models.UUIDField()
    anonymous = models.BooleanField(default=False)
    title = models.CharField(max_length=500)
    content = models.TextField()
    category = models.CharField(max_length=100, null=True)
    status = models.CharField(max_length=16)
    adoption_note = models.TextField(null=True)
    answer = models.TextField(null=True)
    topic_ids = models.JSONField(default=list)
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["node_id", "campaign_id"])]


class ProblemRow(UnitEntry):
    description = models.TextField()
    category = models.CharField(max_length=32)
    source = models.CharField(max_length=200, default="")
    status = models.CharField(max_length=16)  # open | rectifying | completed | verified
    rectification = models.JSONField(null=True)
    deadline = models.CharField(max_length=10, null=True)
    reopened = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(null=True)
    history = models.JSONField(default=list)
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["node_id", "campaign_id"])]


class ProgressRow(models.Model):
    """Figures of one node in one campaign: ``own`` (the node's own plan, activities,
    suggestions, problems) and ``total`` (own + every descendant's own, kept incrementally:
    a change to a node's own figures adds its delta to it and its ancestors). Dated
    histograms (activity days, open rectification deadlines) make time-dependent figures
    computable at read time. ``light`` and ``score`` are stored for filtering, computed
    with "today" when the row last changed, and refreshed by the scheduler."""

    campaign_id = models.UUIDField()
    node_id = models.UUIDField()
    parent_id = models.UUIDField(null=True)
    path = models.CharField(max_length=1024)
    depth = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    expected = models.BooleanField(default=False)  # should derive its own plan
    obliged = models.BooleanField(default=False)  # bound by per-unit requirements
    plan_id = models.UUIDField(null=True)  # its own plan
    governing_plan_id = models.UUIDField()  # nearest released plan at or above it (itself included)
    plan_status = models.CharField(max_length=20, default="")  # approval status (not_derived, draft, …)
    upstream_changed = models.BooleanField(default=False)  # beside the status: a parent release to take
    own = models.JSONField(default=dict)
    total = models.JSONField(default=dict)
    light = models.CharField(max_length=8, default="green")
    silent = models.BooleanField(default=False)  # as of the last assessment, like ``light``
    score = models.PositiveSmallIntegerField(null=True)
    approved_plans = models.PositiveIntegerField(default=0)  # in the subtree, for sorting
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign_id", "node_id"], name="progress_once")
        ]
        indexes = [
            models.Index(fields=["campaign_id", "parent_id"]),
            models.Index(fields=["campaign_id", "path"]),
            models.Index(fields=["campaign_id", "light", "path"]),
            # "all red branches below X": filter, order and count on the index alone
            models.Index(fields=["campaign_id", "kind", "light", "path"]),
        ]


class CampaignUnit(models.Model):
    """The campaign projection's own copy of the organisation tree (id, parent, path, kind,
    name, archived), kept from the tenant events it reads. The campaign read models must not
    read ``OrgNode``: the org projection may be ahead of (the rest of the batch) or behind
    (a rebuild of "campaigns" alone reads the final tree) the event being applied."""

    id = models.UUIDField(primary_key=True)
    parent_id = models.UUIDField(null=True)
    path = models.CharField(max_length=1024, db_index=True)
    depth = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    archived = models.BooleanField(default=False)


class EvidenceRef(models.Model):
    """An evidence blob referenced by an activity or a problem (now or in its history),
    with the owner's path: who may download a blob is whoever sees one of its referrers."""

    sha256 = models.CharField(max_length=64)
    object_id = models.UUIDField()
    object_kind = models.CharField(max_length=16)  # activity | problem
    path = models.CharField(max_length=1024, db_index=True)
    filename = models.CharField(max_length=255, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sha256", "object_id"], name="evidence_ref_once")
        ]


class OutboxMessage(models.Model):
    """Written in the projection's transaction; a dispatcher hands it to the broker.

    ``key`` is stable (derived from the event id), so a message sent twice is still one
    effect: the actor is idempotent on it. A row is done (``done_at``) only when its effect
    has committed — the actor sets it in the effect's own transaction — never when a broker
    merely accepted it: a broker may lose what it accepted (Redis restarted without
    persistence, the in-process broker's process killed), so a row still undone when its
    lease (``lease_until``) runs out is sent again.
    """

    key = models.CharField(max_length=200, unique=True)
    actor_name = models.CharField(max_length=100)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, db_index=True)  # last handed to the broker
    lease_until = models.DateTimeField(null=True)  # not re-sent before this
    done_at = models.DateTimeField(null=True)  # the effect committed
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        # The table keeps the name it was created with (by the notifications app, before the
        # model moved here): projections/0007 moved only Django's state, never the rows.
        db_table = "notifications_outboxmessage"
        indexes = [
            # The dispatcher's question "what is due?" reads only the undone rows.
            models.Index(
                fields=["lease_until", "id"], condition=models.Q(done_at__isnull=True),
                name="outbox_undone",
            )
        ]
