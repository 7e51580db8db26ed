"""Request and response shapes (pydantic, through django-ninja).

The bounds and vocabularies declared here (lengths, ranges, dates, allowed values) show
callers in the OpenAPI what the write side accepts; they are the domain's own constants,
imported, never typed again. The write side checks them itself (taolun.events.values,
taolun.events.campaigns.rules), with the characters a column cannot hold, so that every entry
point (API, pages, import, CLI) is held to them.
"""


from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema

from taolun.events.campaigns.rules import (
    ACTIVITY_KINDS,
    PROBLEM_CATEGORIES,
    REQUIREMENT_METRICS,
    REQUIREMENT_SCOPES,
    REQUIREMENT_SUBJECTS,
)
from taolun.events.values import HOURS_DECIMAL_PLACES, MAX_HOURS, MAX_INT
from taolun.tenants.domainmodel import Kind, Role

TEXT = 20000  # long free text (contents, descriptions) unless a column is narrower
Text = Annotated[str, Field(max_length=TEXT)]
Name = Annotated[str, Field(max_length=100)]  # people's names, owners, leaders
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Hours = Annotated[int, Field(ge=0, le=int(MAX_HOURS))] | Annotated[
    str, Field(max_length=20, description=f"至多 {HOURS_DECIMAL_PLACES} 位小数，不超过 {MAX_HOURS}")
]

KindName = Literal[tuple(k.value for k in Kind)]
RoleName = Literal[tuple(r.value for r in Role)]
ActivityKind = Literal[ACTIVITY_KINDS]
ProblemCategory = Literal[PROBLEM_CATEGORIES]
# An activity's start and end: a date (the whole day) or a moment (ISO 8601, with or without
# a zone; a moment at exactly 00:00:00 counts as the whole day).
DayOrMoment = date | datetime


class Error(Schema):
    code: str
    message: str
    details: dict = {}


# What any operation may answer besides its success (the body is always Error); uploads
# may also answer 415.
ERRORS = {status: Error for status in (400, 401, 403, 404, 409, 413, 422, 429)}
UPLOAD_ERRORS = {**ERRORS, 415: Error}


class TenantIn(Schema):
    kind: KindName
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    parent_id: UUID | None = None


class RenameIn(Schema):
    name: str = Field(min_length=1, max_length=200)


class MoveIn(Schema):
    parent_id: UUID


class ArchiveIn(Schema):
    cascade: bool = False


class NodeOut(Schema):
    id: UUID
    parent_id: UUID | None
    kind: str
    code: str
    name: str
    path: str
    depth: int
    archived: bool
    child_count: int
    subtree_counts: dict[str, int]
    counters: dict
    created_at: datetime
    updated_at: datetime


class TreeOut(NodeOut):
    children: list["TreeOut"] = []


class UserIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=100)
    home_id: UUID


class UserOut(Schema):
    id: UUID
    email: str
    name: str
    home_id: UUID | None
    is_operator: bool
    created_at: datetime
    grants: list["GrantOut"] = []


class GrantIn(Schema):
    node_id: UUID
    role: RoleName


class GrantOut(Schema):
    node_id: UUID
    node_name: str
    role: str
    granted_at: datetime


class TokenIn(Schema):
    label: str = Field(default="api", min_length=1, max_length=100)
    days: int = Field(default=90, ge=1, le=366)


class TokenOut(Schema):
    token_id: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class IssuedTokenOut(Schema):
    token: str = Field(description="只显示这一次；服务器只保存它的哈希")
    token_id: str
    expires_at: datetime


class InboxOut(Schema):
    id: int
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


UserOut.model_rebuild()
TreeOut.model_rebuild()


# ---------------------------------------------------------------------------- campaigns
# Plan edits take the plan's version as ``expected_version`` in the body or as an
# ``If-Match: <version>`` header (the header wins); a stale version answers 409.


class Versioned(Schema):
    expected_version: int | None = Field(default=None, ge=0, le=MAX_INT, description="或使用 If-Match 请求头")


class HeaderFields(Schema):
    slogan: Text | None = None
    theme: Text | None = None
    basis_documents: list[dict] | None = None
    guiding_ideology: Text | None = None
    general_requirements: Text | None = None
    goals: list[Text] | None = None
    principles: list[Text] | None = None


class CampaignIn(HeaderFields):
    tenant_id: UUID
    title: str = Field(max_length=200)


class HeaderIn(HeaderFields, Versioned):
    title: str | None = Field(default=None, max_length=200)


class LeadingGroupIn(Versioned):
    leading_group: dict


class TopicIn(Versioned):
    group: Text = ""
    title: str = Field(max_length=500)
    description: Text = ""
    mandatory: bool = False


class TopicPatch(Versioned):
    group: Text | None = None
    title: str | None = Field(default=None, max_length=500)
    description: Text | None = None
    mandatory: bool | None = None


class ReasonIn(Versioned):
    reason: Text


class PhaseIn(Versioned):
    name: str = Field(max_length=200)
    start: date
    end: date


class PhasePatch(Versioned):
    name: str | None = Field(default=None, max_length=200)
    start: date | None = None
    end: date | None = None


class TaskIn(Versioned):
    title: str = Field(max_length=5000)
    phase_id: UUID | None = None
    description: str = Field(default="", max_length=5000)
    responsible_units: list[Text] = []
    evidence_expected: str = Field(default="", max_length=5000)
    due: date | None = None


class TaskPatch(Versioned):
    title: str | None = Field(default=None, max_length=5000)
    phase_id: UUID | None = None
    description: str | None = Field(default=None, max_length=5000)
    responsible_units: list[Text] | None = None
    evidence_expected: str | None = Field(default=None, max_length=5000)
    due: date | None = None


class AssignIn(Versioned):
    unit_id: UUID
    owner: Name
    due: date | None = None
    note: Text = ""


class RequirementIn(Versioned):
    kind: ActivityKind
    metric: Literal[REQUIREMENT_METRICS] = Field(description="count 次数、days 天数、hours 学时")
    minimum: Hours
    per: Literal[REQUIREMENT_SUBJECTS] = Field(default="unit", description="unit 每个单位、leader 每位领导干部")
    scope: Literal[REQUIREMENT_SCOPES] = Field(default="campaign", description="campaign 全程、phase 某一阶段（须给 phase_id）")
    phase_id: UUID | None = None
    description: Text = ""


class PublishIn(Versioned):
    unit_ids: list[UUID] | None = None
    derive_deadline: date


class AmendIn(Versioned):
    summary: Text


class DeriveIn(Schema):
    tenant_id: UUID
    title: str | None = Field(default=None, max_length=200)


class CommentIn(Versioned):
    comment: Text = ""


class ReturnIn(Versioned):
    reasons: list[Text]


class ActivityFields(Schema):
    location: Text | None = None
    participants: Count | None = None
    roster: list | None = None
    leaders: list[Text] | None = None
    hours: Hours | None = None
    summary: Text | None = None
    outcomes: Text | None = None
    phase_id: UUID | None = None
    task_id: UUID | None = None
    topic_ids: list[UUID] | None = None
    evidence: list[dict] | None = None


class ActivityIn(ActivityFields):
    tenant_id: UUID
    plan_id: UUID
    kind: ActivityKind
    title: str = Field(max_length=500)
    start: DayOrMoment
    end: DayOrMoment


class ActivityCorrectIn(ActivityFields):
    reason: Text
    kind: ActivityKind | None = None
    title: str | None = Field(default=None, max_length=500)
    start: DayOrMoment | None = None
    end: DayOrMoment | None = None


class SuggestionIn(Schema):
    tenant_id: UUID
    plan_id: UUID
    title: str = Field(max_length=500)
    content: Text
    anonymous: bool = False
    topic_ids: list[UUID] = []


class TextIn(Schema):
    text: Text = ""


class ProblemIn(Schema):
    tenant_id: UUID
    plan_id: UUID
    description: Text
    category: ProblemCategory
    source: str = Field(default="", max_length=200)


class RectificationIn(Schema):
    measures: list[Text]
    lead_leader: Name
    responsible_units: list[Text]
    deadline: date


class RectProgressIn(Schema):
    note: Text
    percent: int | None = Field(default=None, ge=0, le=100)
    evidence: list[dict] | None = None


class CompleteIn(Schema):
    summary: Text
    evidence: list[dict]
