"""Request and response shapes (pydantic, through django-ninja).

The bounds declared here (lengths, ranges) show callers in the OpenAPI what the write side
accepts; the write side checks them itself (taolun.events.values), with the characters a
column cannot hold, so that every entry point (API, pages, import, CLI) is held to them.
"""


from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema

from taolun.events.values import HOURS_DECIMAL_PLACES, MAX_HOURS, MAX_INT

TEXT = 20000  # long free text (contents, descriptions) unless a column is narrower
Text = Annotated[str, Field(max_length=TEXT)]
Name = Annotated[str, Field(max_length=100)]  # people's names, owners, leaders
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Hours = Annotated[int, Field(ge=0, le=int(MAX_HOURS))] | Annotated[
    str, Field(max_length=20, description=f"至多 {HOURS_DECIMAL_PLACES} 位小数，不超过 {MAX_HOURS}")
]

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
    rule: str  # the kind of notice ("plan_returned" …); empty for older notices
    level: str  # 督办 reminders: blue | yellow | red
    subject: str
    body: str
    params: dict  # what the notice is about (ids, title …)
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_subject(message) -> str:
        from taolun.notifications.inbox import shown

        return shown(message)[0]

    @staticmethod
    def resolve_body(message) -> str:
        from taolun.notifications.inbox import shown

        return shown(message)[1]


class UnreadOut(Schema):
    unread: int


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
    start: str = Field(max_length=40)
    end: str = Field(max_length=40)


class PhasePatch(Versioned):
    name: str | None = Field(default=None, max_length=200)
    start: str | None = Field(default=None, max_length=40)
    end: str | None = Field(default=None, max_length=40)


class TaskIn(Versioned):
    title: str = Field(max_length=5000)
    phase_id: UUID | None = None
    description: str = Field(default="", max_length=5000)
    responsible_units: list[Text] = []
    evidence_expected: str = Field(default="", max_length=5000)
    due: str | None = Field(default=None, max_length=40)


class TaskPatch(Versioned):
    title: str | None = Field(default=None, max_length=5000)
    phase_id: UUID | None = None
    description: str | None = Field(default=None, max_length=5000)
    responsible_units: list[Text] | None = None
    evidence_expected: str | None = Field(default=None, max_length=5000)
    due: str | None = Field(default=None, max_length=40)


class AssignIn(Versioned):
    unit_id: UUID
    owner: Name
    due: str | None = Field(default=None, max_length=40)
    note: Text = ""


class RequirementIn(Versioned):
    kind: str = Field(max_length=32)
    metric: str = Field(max_length=16)
    minimum: Hours
    per: str = Field(default="unit", max_length=16)
    scope: str = Field(default="campaign", max_length=16)
    phase_id: UUID | None = None
    description: Text = ""


class PublishIn(Versioned):
    unit_ids: list[UUID] | None = None
    derive_deadline: str = Field(max_length=40)


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
    kind: str = Field(max_length=32)
    title: str = Field(max_length=500)
    start: str = Field(max_length=40)
    end: str = Field(max_length=40)


class ActivityCorrectIn(ActivityFields):
    reason: Text
    kind: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=500)
    start: str | None = Field(default=None, max_length=40)
    end: str | None = Field(default=None, max_length=40)


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
    category: str = Field(max_length=32)
    source: str = Field(default="", max_length=200)


class RectificationIn(Schema):
    measures: list[Text]
    lead_leader: Name
    responsible_units: list[Text]
    deadline: str = Field(max_length=40)


class RectProgressIn(Schema):
    note: Text
    percent: int | None = Field(default=None, ge=0, le=100)
    evidence: list[dict] | None = None


class CompleteIn(Schema):
    summary: Text
    evidence: list[dict]
