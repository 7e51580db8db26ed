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
