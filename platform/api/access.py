"""Who is asking, and what they may see and do.

Zulip-style ``access_*`` helpers: an object outside the caller's grants answers exactly
like a missing one (404). A visible object the caller's roles do not cover answers 403.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from taolun.platform.api.errors import forbidden, not_found
from taolun.projections.models import OrgNode, UserAccount
from taolun.tenants import paths


@dataclass(frozen=True)
class Principal:
    user_id: UUID
    name: str
    is_operator: bool
    grants: tuple[tuple[str, str], ...] = field(default=())  # (path, role)

    def roles_at(self, path: str) -> set[str]:
        return {role for grant_path, role in self.grants if paths.is_within(path, grant_path)}

    def sees(self, path: str) -> bool:
        return self.is_operator or bool(self.roles_at(path))

    def may(self, path: str, *roles: str) -> bool:
        return self.is_operator or bool(self.roles_at(path) & set(roles))

    @property
    def top_paths(self) -> list[str]:
        """The grant paths not covered by another of the caller's grants."""
        tops = sorted({p for p, _ in self.grants})
        return [p for p in tops if not any(paths.is_below(p, q) for q in tops)]


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        # One query: the live token's user with all of its grants (LEFT JOIN). Not cached
        # across requests: a revoked token or grant must stop working on the very next
        # request, in every process, and this is one indexed lookup.
        digest = hashlib.sha256(token.encode()).hexdigest()
        # Once per request: the idempotency middleware authenticates a keyed write before
        # the view does, and a bad token must count once towards the failure throttle.
        known = getattr(request, "_taolun_auth", None)
        if known is not None and known[0] == digest:
            return known[1]
        who = self._lookup(request, digest)
        request._taolun_auth = (digest, who)  # type: ignore[attr-defined]
        return who

    @staticmethod
    def _lookup(request: HttpRequest, digest: str) -> Principal | None:
        rows = list(
            UserAccount.objects.filter(
                tokens__token_hash=digest, tokens__revoked_at__isnull=True,
                tokens__expires_at__gt=timezone.now(),
            ).values_list("id", "name", "is_operator", "grants__path", "grants__role")
        )
        if not rows:
            from taolun.platform.security import note_failed_authentication

            note_failed_authentication(request)  # 429 once an IP fails too often
            return None
        user_id, name, is_operator = rows[0][:3]
        grants = tuple((path, role) for *_, path, role in rows if path is not None)
        return Principal(user_id, name, is_operator, grants)


def principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,return-value]


def access_node(request: HttpRequest, node_id: UUID, *roles: str) -> OrgNode:
    """The node if the caller sees it (404 otherwise) and holds one of ``roles`` (403)."""
    who = principal(request)
    node = OrgNode.objects.filter(pk=node_id).first()
    if node is None or not who.sees(node.path):
        raise not_found("单位")
    if roles and not who.may(node.path, *roles):
        raise forbidden()
    return node


def access_user(request: HttpRequest, user_id: UUID, *roles: str) -> UserAccount:
    """A user is visible to whoever sees their home node (operators: everyone)."""
    who = principal(request)
    user = UserAccount.objects.filter(pk=user_id).first()
    if user is None:
        raise not_found("用户")
    if user.id == who.user_id and not roles:
        return user
    if not who.is_operator and (not user.home_path or not who.sees(user.home_path)):
        raise not_found("用户")
    if roles and not who.may(user.home_path, *roles):
        raise forbidden()
    return user


def require_operator(request: HttpRequest) -> Principal:
    who = principal(request)
    if not who.is_operator:
        raise forbidden("只有平台运维人员可以执行此操作")
    return who
