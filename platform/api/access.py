"""Who is asking, and what they may see and do.

Zulip-style ``access_*`` helpers, all of them here: an object outside the caller's grants
answers exactly like a missing one (404). A visible object the caller's roles do not cover
answers 403. They resolve access only; the rules of what may be done live on the write side
(the applications and their aggregates).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from cachetools import LRUCache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja.security import HttpBearer

from taolun.events.campaigns.rules import LOGGERS  # noqa: F401 (entry points import it from here)
from taolun.platform.api.errors import ApiError, forbidden, not_found
from taolun.platform.api.positions import position
from taolun.projections.models import (
    ActivityRow,
    ApiToken,
    Grant,
    OrgNode,
    PlanRow,
    ProblemRow,
    SuggestionRow,
    UserAccount,
)
from taolun.projections.org_tree import OrgTreeProjection
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
        # Kept per process under the org projection's position row: tokens, users and
        # grants are its tables, so a revoked token or grant moves that row and is never
        # served from here again, on the very next request, in every process. Expiry is
        # checked on every request.
        key = (digest, position(request, ORG))
        now = timezone.now()
        with _principals_lock:
            kept = _principals.get(key)
        if kept is not None and now < kept[1]:
            return kept[0]
        # Plain SQL: on a cached read the ORM's building of this query cost more than the answer.
        with connection.cursor() as cursor:
            cursor.execute(_TOKEN_SQL, [digest, connection.ops.adapt_datetimefield_value(now)])
            rows = cursor.fetchall()
        if not rows:
            from taolun.platform.security import note_failed_authentication

            note_failed_authentication(request)  # 429 once an IP fails too often
            return None
        who = _principal([(_uuid(user_id), name, bool(is_operator), path, role)
                          for user_id, name, is_operator, _, path, role in rows])
        with _principals_lock:
            _principals[key] = (who, _aware(rows[0][3]))
        return who


def principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,return-value]


_PRINCIPAL_COLUMNS = ("id", "name", "is_operator", "grants__path", "grants__role")


def _token_sql() -> str:
    """The live token's user with all of its grants (a LEFT JOIN), and its expiry."""
    users, grants, tokens = (m._meta.db_table for m in (UserAccount, Grant, ApiToken))
    grant_user, token_user = Grant._meta.get_field("user").column, ApiToken._meta.get_field("user").column
    return (f"SELECT u.id, u.name, u.is_operator, t.expires_at, g.path, g.role FROM {tokens} t "
            f"JOIN {users} u ON u.id = t.{token_user} LEFT JOIN {grants} g ON g.{grant_user} = u.id "
            "WHERE t.token_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s")


_TOKEN_SQL = _token_sql()
ORG = OrgTreeProjection.name
_principals: LRUCache = LRUCache(maxsize=4096)  # (token digest, org position) -> (principal, expiry)
_principals_lock = threading.Lock()  # LRUCache is not thread-safe


def _uuid(value) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)  # SQLite keeps them as hex text


def _aware(value) -> datetime:
    """A timestamp read by plain SQL: SQLite answers text in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _principal(rows: list[tuple]) -> Principal:
    """One user with all of its grants, from a LEFT JOIN of the user and its grants."""
    user_id, name, is_operator = rows[0][:3]
    grants = tuple((path, role) for *_, path, role in rows if path is not None)
    return Principal(user_id, name, is_operator, grants)


def principal_of(user_id: UUID | None) -> Principal:
    """Whom a command's actor acts as: ``None`` is the system (the CLI, the demo loader),
    which reaches everything, as an operator does; an unknown user reaches nothing."""
    if user_id is None:
        return Principal(UUID(int=0), "system", True)
    rows = list(UserAccount.objects.filter(pk=user_id).values_list(*_PRINCIPAL_COLUMNS))
    return _principal(rows) if rows else Principal(user_id, "", False)


def _visible(request: HttpRequest, row, what: str, roles: tuple[str, ...]):
    """``row`` if the caller sees its path (404 like a missing one otherwise) and holds one
    of ``roles`` there (403)."""
    who = principal(request)
    if row is None or not who.sees(row.path):
        raise not_found(what)
    if roles and not who.may(row.path, *roles):
        raise forbidden()
    return row


def access_node(request: HttpRequest, node_id: UUID, *roles: str, check_only: bool = False) -> OrgNode:
    """The node if the caller sees it (404 otherwise) and holds one of ``roles`` (403).
    ``check_only``: the caller uses the node's id and path only (a write that hands the id
    on), so its JSON counters are not read and decoded."""
    rows = OrgNode.objects.filter(pk=node_id)
    return _visible(request, (rows.only("id", "path") if check_only else rows).first(), "单位", roles)


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


def plan_visible(request: HttpRequest, row: PlanRow) -> bool:
    """Your units' plans; a released plan to the units below it (they derive from it); a
    unit's derived plan to its branches and offices (they work under it)."""
    who = principal(request)
    if who.sees(row.path):
        return True
    below = (row.released_version > 0 or row.kind == "derived")
    return below and any(paths.is_within(p, row.path) for p, _ in who.grants)


def access_plan(request: HttpRequest, plan_id: UUID, *roles: str, check_only: bool = False) -> PlanRow:
    """``check_only``: the caller needs the verdict only (a write naming the plan), so the
    row's JSON columns (phases, requirements, released content …) are not read and decoded."""
    rows = PlanRow.objects.filter(pk=plan_id)
    row = (rows.only("id", "path", "kind", "released_version") if check_only else rows).first()
    if row is None or not plan_visible(request, row):
        raise not_found("方案")
    if roles and not principal(request).may(row.path, *roles):
        raise forbidden()
    return row


def access_own_plan(request: HttpRequest, plan_id: UUID) -> PlanRow:
    """A plan of the caller's own units: its working state is not for the units below."""
    row = access_plan(request, plan_id)
    if not principal(request).sees(row.path):
        raise not_found("方案")
    return row


def access_activity(request: HttpRequest, activity_id: UUID, *roles: str) -> ActivityRow:
    return _visible(request, ActivityRow.objects.filter(pk=activity_id).first(), "活动记录", roles)


def access_suggestion(request: HttpRequest, suggestion_id: UUID, *roles: str) -> SuggestionRow:
    return _visible(request, SuggestionRow.objects.filter(pk=suggestion_id).first(), "建议", roles)


def access_problem(request: HttpRequest, problem_id: UUID, *roles: str) -> ProblemRow:
    return _visible(request, ProblemRow.objects.filter(pk=problem_id).first(), "问题", roles)


def access_report(request: HttpRequest, report_id: UUID, *roles: str):
    """A report job, to whoever may see its subject now (the plan, or the unit); a job
    outside the caller's grants answers like a missing one. ``roles``: one of them is needed
    at the subject's unit to act on the job (403), e.g. to submit a summary upward."""
    from taolun.notifications.reports.models import ReportJob

    job = ReportJob.objects.filter(pk=report_id).first()
    if job is None:
        raise not_found("报表")
    if job.subject_type == "plan":
        row = PlanRow.objects.filter(pk=job.subject_id).first()
        visible = row is not None and plan_visible(request, row)
    else:
        visible = principal(request).sees(job.path)
    if not visible:
        raise not_found("报表")
    if roles and not principal(request).may(job.path, *roles):
        raise forbidden()
    return job


def access_history(request: HttpRequest, node_id: UUID) -> OrgNode:
    """The node whose event history the caller reads: an auditor's at or above it (or an
    operator's). Anyone else is answered exactly like a missing node (404), whatever other
    roles they hold there."""
    node = OrgNode.objects.filter(pk=node_id).first()
    if node is None or not principal(request).may(node.path, "auditor"):
        raise not_found("单位")
    return node
CHAIN_ROLES = ("auditor", "admin")


def access_chain(request: HttpRequest) -> Principal:
    """The audit chain's status is for auditors and admins (of any unit) and operators; a
    signed-in user without either role is refused (403): the chain is no tenant's object."""
    who = principal(request)
    if not who.is_operator and not any(role in CHAIN_ROLES for _, role in who.grants):
        raise forbidden()
    return who


def access_chain_export(request: HttpRequest, node_id: UUID | None) -> tuple[str, frozenset[UUID] | None]:
    """What an audit bundle may show in full: an auditor of ``node_id`` sees its subtree's
    events (the others only as digests); an operator without a node sees everything.
    Answers (scope, tenant ids in full or ``None`` for all)."""
    who = principal(request)
    if node_id is None:
        if not who.is_operator:
            raise ApiError(422, "node_required", "请指定单位（node_id）", field="node_id")
        return "all", None
    node = access_node(request, node_id, "auditor")
    tenants = frozenset(OrgNode.objects.filter(path__under=node.path).values_list("id", flat=True))
    return str(node.id), tenants
