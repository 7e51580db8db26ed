"""Request and response shapes (pydantic, through django-ninja)."""


from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

KindName = Literal["bureau", "school", "branch", "office"]
RoleName = Literal["admin", "secretary", "inspector", "auditor", "viewer"]


class Error(Schema):
    code: str
    message: str
    details: dict = {}


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
    expected_version: int | None = Field(default=None, description="或使用 If-Match 请求头")


class HeaderFields(Schema):
    slogan: str | None = None
    theme: str | None = None
    basis_documents: list[dict] | None = None
    guiding_ideology: str | None = None
    general_requirements: str | None = None
    goals: list[str] | None = None
    principles: list[str] | None = None


class CampaignIn(HeaderFields):
    tenant_id: UUID
    title: str


class HeaderIn(HeaderFields, Versioned):
    title: str | None = None


class LeadingGroupIn(Versioned):
    leading_group: dict


class TopicIn(Versioned):
    group: str = ""
    title: str
    description: str = ""
    mandatory: bool = False


class TopicPatch(Versioned):
    group: str | None = None
    title: str | None = None
    description: str | None = None
    mandatory: bool | None = None


class ReasonIn(Versioned):
    reason: str


class PhaseIn(Versioned):
    name: str
    start: str
    end: str


class PhasePatch(Versioned):
    name: str | None = None
    start: str | None = None
    end: str | None = None


class TaskIn(Versioned):
    title: str
    phase_id: UUID | None = None
    description: str = ""
    responsible_units: list[str] = []
    evidence_expected: str = ""
    due: str | None = None


class TaskPatch(Versioned):
    title: str | None = None
    phase_id: UUID | None = None
    description: str | None = None
    responsible_units: list[str] | None = None
    evidence_expected: str | None = None
    due: str | None = None


class AssignIn(Versioned):
    unit_id: UUID
    owner: str
    due: str | None = None
    note: str = ""


class RequirementIn(Versioned):
    kind: str
    metric: str
    minimum: int | str
    per: str = "unit"
    scope: str = "campaign"
    phase_id: UUID | None = None
    description: str = ""


class PublishIn(Versioned):
    unit_ids: list[UUID] | None = None
    derive_deadline: str


class AmendIn(Versioned):
    summary: str


class DeriveIn(Schema):
    tenant_id: UUID
    title: str | None = None


class CommentIn(Versioned):
    comment: str = ""


class ReturnIn(Versioned):
    reasons: list[str]


class ActivityFields(Schema):
    location: str | None = None
    participants: int | None = None
    roster: list | None = None
    leaders: list[str] | None = None
    hours: int | str | None = None
    summary: str | None = None
    outcomes: str | None = None
    phase_id: UUID | None = None
    task_id: UUID | None = None
    topic_ids: list[UUID] | None = None
    evidence: list[dict] | None = None


class ActivityIn(ActivityFields):
    tenant_id: UUID
    plan_id: UUID
    kind: str
    title: str
    start: str
    end: str


class ActivityCorrectIn(ActivityFields):
    reason: str
    kind: str | None = None
    title: str | None = None
    start: str | None = None
    end: str | None = None


class SuggestionIn(Schema):
    tenant_id: UUID
    plan_id: UUID
    title: str
    content: str
    anonymous: bool = False
    topic_ids: list[UUID] = []


class TextIn(Schema):
    text: str = ""


class ProblemIn(Schema):
    tenant_id: UUID
    plan_id: UUID
    description: str
    category: str
    source: str = ""


class RectificationIn(Schema):
    measures: list[str]
    lead_leader: str
    responsible_units: list[str]
    deadline: str


class RectProgressIn(Schema):
    note: str
    percent: int | None = None
    evidence: list[dict] | None = None


class CompleteIn(Schema):
    summary: str
    evidence: list[dict]
