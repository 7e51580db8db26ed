"""The tenancy application: commands on the organisation tree, users, grants and tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError
from eventsourcing.application import AggregateNotFoundError

from taolun.events.shared_aggregates import SharedAggregates
from taolun.events.kernel import (
    Conflict,
    DomainError,
    NotFound,
    StaleRead,
    Forbidden,
    TaolunApplication,
    retry_on_conflict,
)
from taolun.tenants.domainmodel import (
    EmailIndex,
    Kind,
    Role,
    SiblingCode,
    Tenant,
    User,
    check_placement,
    check_text,
)

MAX_TOKEN_DAYS = 366
SHARED_TENANTS = 20000  # tenants kept for the read-only rules (the full city has ~22,000)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    token_id: str
    expires_at: datetime
    notification_id: int


class Tenancy(TaolunApplication):
    snapshotting_intervals = {Tenant: 50, User: 50}
    _shared: SharedAggregates | None = None  # read-only tenants, made on first use

    # -- queries on the write side (for guards) ------------------------------------------

    def get_tenant(self, tenant_id: UUID) -> Tenant:
        return self.get_aggregate(Tenant, tenant_id, "tenant_not_found", "单位不存在")

    def get_user(self, user_id: UUID) -> User:
        return self.get_aggregate(User, user_id, "user_not_found", "用户不存在")

    def find_user_by_email(self, email: str) -> User | None:
        try:
            index = self.repository.get(EmailIndex.id_for(email))
        except AggregateNotFoundError:
            return None
        return self.get_user(index.user_id)

    def ancestors(self, tenant_id: UUID) -> list[Tenant]:
        """The node and its ancestors, nearest first: READ-ONLY (the cached aggregates
        themselves, see :meth:`_peek_tenant`); a command that changes a node loads it with
        :meth:`get_tenant`."""
        chain = [self._peek_tenant(tenant_id)]
        while chain[-1].parent_id is not None:
            chain.append(self._peek_tenant(chain[-1].parent_id))
        return chain

    def _peek_tenant(self, tenant_id: UUID) -> Tenant:
        """The tenant as the store has it now, shared and READ-ONLY (see
        :mod:`taolun.events.shared_aggregates`): the rules that only read the tree (every
        activity write checks the unit's lineage) would otherwise deep-copy each ancestor,
        and a bureau's copy grows with its children. Never mutate it."""
        if self._shared is None:
            self._shared = SharedAggregates(self, SHARED_TENANTS)
        tenant = self._shared.find(tenant_id, Tenant)
        return tenant if tenant is not None else self.get_tenant(tenant_id)  # refused as every lookup is

    # -- the tree as other contexts' rules read it (campaigns.ports.OrgTree) -------------

    def lineage(self, unit_id: UUID) -> list[UUID]:
        """The unit and its ancestors, nearest first; empty for an unknown unit."""
        try:
            return [node.id for node in self.ancestors(unit_id)]
        except NotFound:
            return []

    def unit_kind(self, unit_id: UUID) -> str | None:
        try:
            return self._peek_tenant(unit_id).kind.value
        except NotFound:
            return None

    def ensure_live_unit(self, unit_id: UUID) -> None:
        self._peek_tenant(unit_id).ensure_live()

    def holds_role(self, actor: UUID | None, unit_id: UUID, roles: Collection[str], *,
                   above: bool = False) -> bool:
        """``actor`` holds one of ``roles`` on the unit or an ancestor (only ancestors when
        ``above``). The system and operators hold every role; an unknown user none."""
        try:
            if self._is_operator(actor):
                return True
            granted = {node for node, role in self.get_user(actor).grants if role in roles}  # type: ignore[arg-type]
        except NotFound:
            return False
        nodes = self.lineage(unit_id)[1 if above else 0:]
        return any(str(node) in granted for node in nodes)

    # -- who may act on whom (the rules every entry point shares) ---------------------
    # ``actor`` None is the system (CLI, demo loader): it acts with an operator's authority.

    def _is_operator(self, actor: UUID | None) -> bool:
        return actor is None or self.get_user(actor).is_operator

    def _administers(self, actor: UUID, node_id: UUID) -> bool:
        """The actor holds admin on the node or on one of its ancestors."""
        admin_nodes = {node for node, role in self.get_user(actor).grants if role == Role.ADMIN.value}
        return any(str(node.id) in admin_nodes for node in self.ancestors(node_id))

    def may_manage_tokens(self, actor: UUID | None, user_id: UUID) -> bool:
        """Listing and revoking a user's tokens: the user, an operator, or an admin whose
        subtree holds EVERY grant (and the home) of the user: a school admin must not be able
        to act on, or even inventory, the credentials of someone who is a city admin."""
        if actor == user_id or self._is_operator(actor):
            return True
        user = self.get_user(user_id)
        if user.is_operator or user.home_id is None:
            return False
        nodes = {user.home_id, *(UUID(node) for node, _ in user.grants)}
        return all(self._administers(actor, node) for node in nodes)

    def _ensure_grantor(
        self, actor: UUID | None, user_id: UUID, node_id: UUID, granting: bool
    ) -> None:
        """A grant needs an admin at or above the node who is not the grantee (an admin
        granting itself auditor could unmask anonymous authors); giving up one's own role
        is fine."""
        if self._is_operator(actor):
            return
        if granting and actor == user_id:
            raise Forbidden("self_grant", "不能为自己授予角色，请由上级单位管理员办理")
        if not self._administers(actor, node_id):
            raise Forbidden("forbidden", "您没有执行此操作的权限")

    # -- the tree ------------------------------------------------------------------------

    @retry_on_conflict()
    def register_tenant(
        self,
        actor: UUID | None,
        kind: str,
        code: str,
        name: str,
        parent_id: UUID | None = None,
        tenant_id: UUID | None = None,
    ) -> tuple[UUID, int]:
        try:
            kind_ = Kind(kind)
        except ValueError:
            raise DomainError(
                "invalid_kind", "单位类型无效", field="kind", allowed=[k.value for k in Kind]
            ) from None
        if parent_id is None and not self._is_operator(actor):
            raise Forbidden("operator_only", "只有平台运维人员可以创建顶层单位")
        code = check_text("code", code, 64)
        name = check_text("name", name)
        parent = self.get_tenant(parent_id) if parent_id else None
        if parent is not None:
            parent.ensure_live()
        check_placement(kind_, parent.kind if parent else None)
        new_id = tenant_id or uuid4()
        index = self._claim_code(new_id, actor, parent_id, code)
        tenant = Tenant(
            tenant_id=new_id, actor=actor, kind=kind_.value, code=code,
            name=name, parent_id=parent_id,
        )
        if parent is not None:
            parent.attach_child(tenant_id=parent.id, actor=actor, child_id=new_id)
        return new_id, self.save_all(tenant, parent, index)

    @retry_on_conflict()
    def rename_tenant(self, actor: UUID | None, tenant_id: UUID, name: str) -> int:
        tenant = self.get_tenant(tenant_id)
        tenant.rename(actor, name)
        return self.save_all(tenant)

    @retry_on_conflict()
    def move_tenant(self, actor: UUID | None, tenant_id: UUID, new_parent_id: UUID) -> int:
        tenant = self.get_tenant(tenant_id)
        tenant.ensure_live()
        if tenant.parent_id is None:
            raise DomainError("cannot_move_root", "顶层单位不能移动", field="parent_id")
        if new_parent_id == tenant.parent_id:
            return 0
        chain = self.ancestors(new_parent_id)
        if any(node.id == tenant.id for node in chain):
            raise DomainError(
                "move_into_own_subtree",
                "不能把单位移到它自己或它的下级单位之下",
                field="parent_id",
                tenant_id=str(tenant_id),
                parent_id=str(new_parent_id),
            )
        new_parent = self.get_tenant(new_parent_id)  # changed below: its own copy, not chain[0]
        new_parent.ensure_live()
        check_placement(tenant.kind, new_parent.kind)
        old_parent = self.get_tenant(tenant.parent_id)
        new_index = self._claim_code(tenant.id, actor, new_parent.id, tenant.code)
        old_index = self.repository.get(SiblingCode.id_for(old_parent.id, tenant.code))
        old_index.release(tenant_id=tenant.id, actor=actor)
        tenant._moved(
            tenant_id=tenant.id, actor=actor, old_parent_id=old_parent.id,
            new_parent_id=new_parent.id,
        )
        self._detach(old_parent, tenant, actor)
        new_parent.attach_child(tenant_id=new_parent.id, actor=actor, child_id=tenant.id)
        return self.save_all(tenant, old_parent, new_parent, old_index, new_index)

    @retry_on_conflict()
    def archive_tenant(self, actor: UUID | None, tenant_id: UUID, cascade: bool = False) -> int:
        tenant = self.get_tenant(tenant_id)
        self._ensure_archiver(actor, tenant)
        tenant.ensure_live()
        if tenant.children and not cascade:
            raise Conflict(
                "tenant_has_children",
                "该单位还有未归档的下级单位；如需一并归档，请指定 cascade",
                children=len(tenant.children),
            )
        # Archive the subtree bottom-up so every node sees its children leave first.
        doomed: list[Tenant] = []
        self._collect_subtree(tenant, doomed)
        changed: list[Tenant] = []
        for node in reversed(doomed):
            node._archived(tenant_id=node.id, actor=actor, cascade=cascade)
            changed.append(node)
        if tenant.parent_id is not None:
            parent = self.get_tenant(tenant.parent_id)
            self._detach(parent, tenant, actor)
            changed.append(parent)
        return self.save_all(*changed)

    def _ensure_archiver(self, actor: UUID | None, tenant: Tenant) -> None:
        """A unit is archived from above: by an admin of its parent (a root: an operator)."""
        if self._is_operator(actor):
            return
        if tenant.parent_id is None:
            raise Forbidden("operator_only", "只有平台运维人员可以归档顶层单位")
        if not self._administers(actor, tenant.parent_id):  # type: ignore[arg-type]
            raise Forbidden("parent_admin_only", "归档单位需要上级单位的管理员权限")

    @staticmethod
    def _detach(parent: Tenant, child: Tenant, actor: UUID | None) -> None:
        if child.id not in parent.children:  # the child was read before a racing move
            raise StaleRead(f"{child.id} is no longer a child of {parent.id}")
        parent.detach_child(tenant_id=parent.id, actor=actor, child_id=child.id)

    def _collect_subtree(self, node: Tenant, into: list[Tenant]) -> None:
        into.append(node)
        for child_id in node.children:
            self._collect_subtree(self.get_tenant(child_id), into)

    def _claim_code(
        self, tenant_id: UUID, actor: UUID | None, parent_id: UUID | None, code: str
    ) -> SiblingCode:
        index_id = SiblingCode.id_for(parent_id, code)
        # A free code (the usual case) costs one indexed read, not a snapshot lookup too.
        if not list(self.events.get(originator_id=index_id, limit=1)):
            return SiblingCode(tenant_id=tenant_id, actor=actor, parent_id=parent_id, code=code)
        index = self.repository.get(index_id)
        index.claim(tenant_id, actor)
        return index

    # -- users, grants, tokens -----------------------------------------------------------

    def register_user(
        self,
        actor: UUID | None,
        email: str,
        name: str,
        home_id: UUID | None,
        is_operator: bool = False,
    ) -> tuple[UUID, int]:
        email = check_text("email", email, 254).lower()
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise DomainError("invalid_email", "电子邮箱格式不正确", field="email")
        name = check_text("name", name, 100)
        if home_id is not None:
            self.get_tenant(home_id).ensure_live()
        if self.find_user_by_email(email) is not None:
            raise Conflict("duplicate_email", "该电子邮箱已被使用", field="email")
        user = User(tenant_id=home_id, actor=actor, email=email, name=name, is_operator=is_operator)
        index = EmailIndex(tenant_id=home_id, actor=actor, email=email, user_id=user.id)
        try:
            return user.id, self.save_all(user, index)
        except IntegrityError:  # a racing registration of the same e-mail
            raise Conflict("duplicate_email", "该电子邮箱已被使用", field="email") from None

    @retry_on_conflict()
    def grant_role(self, actor: UUID | None, user_id: UUID, node_id: UUID, role: str) -> int:
        role_ = self._role(role)
        self.get_tenant(node_id).ensure_live()
        user = self.get_user(user_id)
        self._ensure_grantor(actor, user_id, node_id, granting=True)
        user.grant(actor, node_id, role_)
        return self.save_all(user)

    @retry_on_conflict()
    def revoke_role(self, actor: UUID | None, user_id: UUID, node_id: UUID, role: str) -> int:
        user = self.get_user(user_id)
        self._ensure_grantor(actor, user_id, node_id, granting=False)
        user.revoke(actor, node_id, self._role(role))
        return self.save_all(user)

    @retry_on_conflict()
    def issue_token(
        self, actor: UUID | None, user_id: UUID, label: str = "api", days: int = 90,
        now: datetime | None = None,
    ) -> IssuedToken:
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise DomainError(
                "invalid_token_lifetime", f"令牌有效期须在 1 至 {MAX_TOKEN_DAYS} 天之间", field="days"
            )
        user = self.get_user(user_id)
        # A token acts with ALL of its user's grants, so only the user (or an operator)
        # may mint one: an admin issuing for someone holding grants elsewhere escalates.
        if actor != user_id and not self._is_operator(actor):
            raise Forbidden("token_issuer_forbidden", "只有本人或平台运维人员可以签发访问令牌")
        token = "tl_" + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(8)
        expires_at = (now or datetime.now(timezone.utc)) + timedelta(days=days)
        user.issue_token(
            tenant_id=user.home_id, actor=actor, token_id=token_id,
            token_hash=hash_token(token), label=check_text("label", label, 100),
            expires_at=expires_at,
        )
        return IssuedToken(token, token_id, expires_at, self.save_all(user))

    @retry_on_conflict()
    def revoke_token(self, actor: UUID | None, user_id: UUID, token_id: str) -> int:
        user = self.get_user(user_id)
        if not self.may_manage_tokens(actor, user_id):
            raise Forbidden("forbidden", "您没有执行此操作的权限")
        user.revoke_token(actor, token_id)
        return self.save_all(user)

    @retry_on_conflict()
    def set_password(self, actor: UUID | None, user_id: UUID, store: Callable[[], None]) -> int:
        """Record that ``user_id``'s password was set: by the user, or by an operator (the
        CLI). ``store`` keeps the new hash in the credentials table; it runs after the rule
        and before the event, so a refused actor changes nothing and the log never holds the
        hash (only who and when)."""
        user = self.get_user(user_id)
        if actor != user_id and not self._is_operator(actor):
            raise Forbidden("forbidden", "只有本人或平台运维人员可以设置密码")
        store()
        user.password_set(tenant_id=user.home_id, actor=actor)
        return self.save_all(user)

    @staticmethod
    def _role(role: str) -> Role:
        try:
            return Role(role)
        except ValueError:
            raise DomainError(
                "invalid_role", "角色无效", field="role", allowed=[r.value for r in Role]
            ) from None
