"""Response shapes of the campaign context (plans, activities, suggestions, problems,
progress), so that the OpenAPI document describes what the API answers.

The answers are built from aggregates and read-model rows (``plan_out``, ``activity_out`` …)
and validated against these shapes on the way out. Every shape lets through fields it does
not name (``extra="allow"``): a field the write side adds is answered, never dropped, until
it is documented here. Dates and moments travel as the ISO strings the events store.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
DayOrMoment = Annotated[str, WithJsonSchema({"type": "string", "description": "日期或带时间的时刻（ISO 8601）"})]
Number = int | float  # hours and minimums: whole numbers stay whole
Light = Literal["green", "yellow", "red", "none"]


class Out(BaseModel):
    """A plain pydantic model: ninja's Schema reads declared fields only and would drop the rest."""

    model_config = ConfigDict(extra="allow")


# ---------------------------------------------------------------------------- plans


class TopicOut(Out):
    id: UUID
    group: str
    title: str
    description: str
    mandatory: bool
    origin: str = Field(description="local（本级）或 inherited（继承自上级）")
    declined: str | None = Field(description="不采纳的理由；采纳时为 null")


class PhaseOut(Out):
    id: UUID
    name: str
    start: Day
    end: Day
    origin: str


class AssignmentOut(Out):
    unit_id: UUID
    owner: str
    due: Day | None
    note: str


class TaskOut(Out):
    id: UUID
    title: str
    phase_id: UUID | None
    description: str
    responsible_units: list[str]
    evidence_expected: str
    due: Day | None
    origin: str
    assignments: list[AssignmentOut]


class RequirementOut(Out):
    id: UUID
    kind: str
    metric: str
    minimum: Number
    per: str
    scope: str
    phase_id: UUID | None
    description: str


class PublicationOut(Out):
    scope: str
    unit_ids: list[UUID] | None
    derive_deadline: Day


class ChangedItemOut(Out):
    id: UUID
    fields: list[str]
    old: dict[str, Any]
    new: dict[str, Any]


class SectionDiffOut(Out):
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ChangedItemOut]


class DiffOut(Out):
    """What changed between two released versions, per section (events/campaigns/diff.py)."""

    topics: SectionDiffOut
    phases: SectionDiffOut
    tasks: SectionDiffOut
    requirements: SectionDiffOut


class ConflictOut(Out):
    """What blocks taking an upstream change (codes listed in events/campaigns/diff.py)."""

    code: str
    section: str
    id: UUID
    message: str


class PendingUpstreamOut(Out):
    parent_version: int
    diff: DiffOut
    conflicts: list[ConflictOut]


class VersionOut(Out):
    number: int
    summary: str


class _Added(Out):
    """A sub-item just added: the item, its plan and the plan's version after it (the next If-Match)."""

    plan_id: UUID
    plan_version: int


class TopicAddedOut(TopicOut, _Added):
    pass


class PhaseAddedOut(PhaseOut, _Added):
    pass


class TaskAddedOut(TaskOut, _Added):
    pass


class RequirementAddedOut(RequirementOut, _Added):
    pass


class PlanOut(Out):
    id: UUID
    kind: Literal["campaign", "derived"]
    tenant_id: UUID
    campaign_id: UUID
    parent_id: UUID | None
    parent_version: int | None
    status: str
    display_status: str = Field(description="status，或上级已修订待同步时为 upstream_changed")
    version: int = Field(description="方案的版本号：修改时作为 If-Match 或 expected_version")
    released_version: int
    header: dict[str, Any]
    leading_group: dict[str, Any] | None
    topics: list[TopicOut]
    phases: list[PhaseOut]
    tasks: list[TaskOut]
    requirements: list[RequirementOut]
    window: list[Day] | None = Field(description="[最早开始, 最晚结束]；尚无阶段时为 null")
    publication: PublicationOut | None
    upstream: PendingUpstreamOut | None
    return_reasons: list[str]
    submissions: int
    versions: list[VersionOut]


class PlanChangesOut(Out):
    """A plan between two moments (projections/as_of/diffs.py): per section, the items
    added, removed and changed, each with ``by`` (the events that touched it: who, when);
    ``fields`` (header, leading group, status) that changed; every event in between."""

    plan_id: UUID
    old_version: int | None = Field(description="方案在起始时刻的版本（null：尚未创建）")
    new_version: int | None
    sections: dict[str, dict[str, list[dict[str, Any]]]]
    fields: list[dict[str, Any]]
    events: list[dict[str, Any]]


class PlanRowOut(Out):
    id: UUID
    campaign_id: UUID
    parent_id: UUID | None
    tenant_id: UUID
    kind: Literal["campaign", "derived"]
    title: str
    status: str
    display_status: str
    version: int
    released_version: int
    parent_version: int | None
    upstream_version: int | None
    conflicts: int
    submissions: int
    return_reasons: list[str]
    updated_at: Moment


class UpstreamOut(Out):
    pending: bool
    parent_version: int | None
    based_on: int | None = None
    diff: DiffOut | None
    conflicts: list[ConflictOut]


class ChildPlanOut(PlanRowOut):
    tenant_name: str
    taken_latest: bool


class ChildrenOut(Out):
    released_version: int
    count: int
    taken: int
    not_taken: list[str]
    items: list[ChildPlanOut]


# ---------------------------------------------------------------------------- work


class EvidenceOut(Out):
    sha256: str
    size: int
    content_type: str
    filename: str


class ActivityOut(Out):
    id: UUID
    campaign_id: UUID
    plan_id: UUID
    tenant_id: UUID
    logged_by: UUID
    kind: str
    title: str
    start: DayOrMoment
    end: DayOrMoment
    participants: int
    hours: Number | None
    phase_id: UUID | None
    task_id: UUID | None
    status: str = Field(description="logged、returned 或 retracted")
    logged_at: Moment
    updated_at: Moment


class SuggestionOut(Out):
    id: UUID
    campaign_id: UUID
    plan_id: UUID
    tenant_id: UUID
    author: UUID | None = Field(description="匿名建议对上级单位显示为 null")
    anonymous: bool
    title: str
    content: str
    category: str | None
    status: str
    adoption_note: str | None
    answer: str | None
    topic_ids: list[UUID]
    submitted_at: Moment


class ProblemOut(Out):
    id: UUID
    campaign_id: UUID
    plan_id: UUID
    tenant_id: UUID
    description: str
    category: str
    source: str
    status: str = Field(description="open、rectifying、completed 或 verified")
    rectification: dict[str, Any] | None
    deadline: Day | None
    percent: int | None
    reopened: int
    history: list[dict[str, Any]]
    light: Literal["green", "yellow", "red", "blue", "none"]
    days_left: int | None
    recorded_at: Moment


# ---------------------------------------------------------------------------- progress


class UnitFiguresOut(Out):
    """One unit's figures as of today (see docs/progress.md)."""

    node_id: UUID
    name: str
    kind: str
    plan_id: UUID | None
    plan_status: str | None
    upstream_changed: bool
    activities: int
    participants: int
    hours: Number
    requirements: dict[str, Any]
    pace: dict[str, Any]
    suggestions: dict[str, int]
    problems: dict[str, int]
    days_left: int | None
    silent: bool
    light: Light


class NodeProgressOut(UnitFiguresOut):
    today: Day
    window: list[Day] | None
    settings: dict[str, Any]
    children_green_share: float | None
    children_lights: dict[str, int]
    children: list[UnitFiguresOut]


class UnitsPageOut(Out):
    count: int
    items: list[UnitFiguresOut]


class ProgressSettingsOut(Out):
    settings: dict[str, Any]


class ExtractedOut(Out):
    """The structure read from a document; every field carries the span it came from."""

    header: dict[str, Any]
    phases: list[dict[str, Any]]
    confidence: dict[str, float]
