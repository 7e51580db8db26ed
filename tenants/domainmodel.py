"""The organisation tree, its users, their role grants and API tokens.

Rules live here as guard methods that run before an event is triggered: a violated rule
raises a DomainError and nothing is appended.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from taolun.events.kernel import Conflict, DomainError, TaolunAggregate, index_id
from taolun.events.values import clean_text


class Kind(str, Enum):
    BUREAU = "bureau"  # 市/区/县教育局
    SCHOOL = "school"  # 学校, 直属单位, 教科所
    BRANCH = "branch"  # 党委/党总支/支部
    OFFICE = "office"  # 科室/处室/系部/二级学院


class Role(str, Enum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    INSPECTOR = "inspector"
    AUDITOR = "auditor"
    VIEWER = "viewer"


# Which kinds may sit directly under which (None: a root). A school under a branch, or a
# bureau under a school, is a data-entry mistake that would corrupt every roll-up.
ALLOWED_PARENTS: dict[Kind, set[Kind | None]] = {
    Kind.BUREAU: {None, Kind.BUREAU},
    Kind.SCHOOL: {Kind.BUREAU, Kind.SCHOOL},
    Kind.BRANCH: {Kind.BUREAU, Kind.SCHOOL, Kind.BRANCH},
    Kind.OFFICE: {Kind.BUREAU, Kind.SCHOOL, Kind.OFFICE},
}

KIND_LABELS = {"bureau": "教育局", "school": "学校", "branch": "党组织", "office": "科室"}


def check_placement(kind: Kind, parent_kind: Kind | None) -> None:
    if parent_kind not in ALLOWED_PARENTS[kind]:
        where = KIND_LABELS[parent_kind.value] if parent_kind else "顶层"
        raise DomainError(
            "invalid_parent_kind",
            f"{KIND_LABELS[kind.value]}不能设在{where}之下",
            kind=kind.value,
            parent_kind=parent_kind.value if parent_kind else None,
        )


def check_text(field: str, value: str, max_length: int = 200) -> str:
    """A required one-line value (a name, a code, a label) that fits its column."""
    return clean_text(
        value, field, max_length=max_length, multiline=False,
        blank_code="blank_field", long_code="field_too_long",
    )


class Tenant(TaolunAggregate):
    """A node of the tree: a bureau, school, branch or office.

    The node keeps the set of its live children so that archiving can refuse a node that
    still has some, without reading any projection.
    """

    @event("Registered")
    def __init__(
        self,
        tenant_id: UUID | None,
        actor: UUID | None,
        kind: str,
        code: str,
        name: str,
        parent_id: UUID | None,
    ) -> None:
        self.kind = Kind(kind)
        self.code = code
        self.name = name
        self.parent_id = parent_id
        self.children: list[UUID] = []
        self.archived = False

    @staticmethod
    def create_id(tenant_id: UUID) -> UUID:
        # A node's events carry its own id as tenant_id, so the id is chosen up front.
        return tenant_id

    def ensure_live(self) -> None:
        if self.archived:
            raise DomainError("tenant_archived", f"单位“{self.name}”已归档", tenant_id=str(self.id))

    def rename(self, actor: UUID | None, name: str) -> None:
        self.ensure_live()
        name = check_text("name", name)
        if name != self.name:
            self._renamed(tenant_id=self.id, actor=actor, name=name)

    @event("Renamed")
    def _renamed(self, tenant_id: UUID, actor: UUID | None, name: str) -> None:
        self.name = name

    @event("Moved")
    def _moved(
        self, tenant_id: UUID, actor: UUID | None, old_parent_id: UUID, new_parent_id: UUID
    ) -> None:
        self.parent_id = new_parent_id

    @event("Archived")
    def _archived(self, tenant_id: UUID, actor: UUID | None, cascade: bool) -> None:
        self.archived = True

    @event("ChildAttached")
    def attach_child(self, tenant_id: UUID, actor: UUID | None, child_id: UUID) -> None:
        self.children.append(child_id)

    @event("ChildDetached")
    def detach_child(self, tenant_id: UUID, actor: UUID | None, child_id: UUID) -> None:
        self.children.remove(child_id)


class SiblingCode(TaolunAggregate):
    """Index aggregate: one code among the children of one parent (or among the roots)."""

    @staticmethod
    def id_for(parent_id: UUID | None, code: str) -> UUID:
        return index_id("tenant-code", parent_id or "root", code.casefold())

    @event("Claimed")
    def __init__(
        self, tenant_id: UUID | None, actor: UUID | None, parent_id: UUID | None, code: str
    ) -> None:
        self.owner = tenant_id

    @staticmethod
    def create_id(tenant_id: UUID | None, actor: UUID | None, parent_id: UUID | None, code: str) -> UUID:  # noqa: E501
        return SiblingCode.id_for(parent_id, code)

    def claim(self, tenant_id: UUID, actor: UUID | None) -> None:
        if self.owner is not None and self.owner != tenant_id:
            raise Conflict("duplicate_code", "同级单位中已有相同编码", owner=str(self.owner))
        if self.owner is None:
            self._reclaimed(tenant_id=tenant_id, actor=actor)

    @event("Reclaimed")
    def _reclaimed(self, tenant_id: UUID, actor: UUID | None) -> None:
        self.owner = tenant_id

    @event("Released")
    def release(self, tenant_id: UUID, actor: UUID | None) -> None:
        self.owner = None


class User(TaolunAggregate):
    """A person who signs in; grants are held here so the history of who could do what
    is one stream an auditor can read."""

    @event("Registered")
    def __init__(
        self,
        tenant_id: UUID | None,
        actor: UUID | None,
        email: str,
        name: str,
        is_operator: bool,
    ) -> None:
        self.home_id = tenant_id
        self.email = email
        self.name = name
        self.is_operator = is_operator
        self.grants: list[list[str]] = []  # [node_id, role]
        self.tokens: dict[str, dict[str, Any]] = {}

    def grant(self, actor: UUID | None, node_id: UUID, role: Role) -> bool:
        if [str(node_id), role.value] in self.grants:
            return False  # granting twice changes nothing and says nothing twice
        self._role_granted(tenant_id=node_id, actor=actor, node_id=node_id, role=role.value)
        return True

    @event("RoleGranted")
    def _role_granted(self, tenant_id: UUID, actor: UUID | None, node_id: UUID, role: str) -> None:
        self.grants.append([str(node_id), role])

    def revoke(self, actor: UUID | None, node_id: UUID, role: Role) -> None:
        if [str(node_id), role.value] not in self.grants:
            raise DomainError("grant_not_found", "该用户在此单位没有这个角色", role=role.value)
        self._role_revoked(tenant_id=node_id, actor=actor, node_id=node_id, role=role.value)

    @event("RoleRevoked")
    def _role_revoked(self, tenant_id: UUID, actor: UUID | None, node_id: UUID, role: str) -> None:
        self.grants.remove([str(node_id), role])

    @event("TokenIssued")
    def issue_token(
        self,
        tenant_id: UUID | None,
        actor: UUID | None,
        token_id: str,
        token_hash: str,
        label: str,
        expires_at: datetime,
    ) -> None:
        self.tokens[token_id] = {"hash": token_hash, "revoked": False}

    def revoke_token(self, actor: UUID | None, token_id: str) -> None:
        if token_id not in self.tokens:
            raise DomainError("token_not_found", "令牌不存在", token_id=token_id)
        if not self.tokens[token_id]["revoked"]:
            self._token_revoked(tenant_id=None, actor=actor, token_id=token_id)

    @event("TokenRevoked")
    def _token_revoked(self, tenant_id: UUID | None, actor: UUID | None, token_id: str) -> None:
        self.tokens[token_id]["revoked"] = True

    @event("PasswordSet")
    def password_set(self, tenant_id: UUID | None, actor: UUID | None) -> None:
        """Who set the password and when (the event's timestamp); never the password or its
        hash: credentials are mutable and kept outside the log (platform.web.models)."""


class EmailIndex(TaolunAggregate):
    """Index aggregate: an e-mail address belongs to one user."""

    @staticmethod
    def id_for(email: str) -> UUID:
        return index_id("user-email", email.strip().casefold())

    @staticmethod
    def create_id(tenant_id: UUID | None, actor: UUID | None, email: str, user_id: UUID) -> UUID:
        return EmailIndex.id_for(email)

    @event("Claimed")
    def __init__(self, tenant_id: UUID | None, actor: UUID | None, email: str, user_id: UUID) -> None:
        self.user_id = user_id
