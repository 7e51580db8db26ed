"""The directory read model: the organisation tree, users, grants and tokens.

Set-based: within a batch, registered nodes are buffered and written with one bulk insert,
and the subtree counts and child counts of the nodes above them change with one UPDATE
per distinct change (a single registration: one UPDATE for all its ancestors). Any other
event first flushes what is buffered, so it sees the rows as they stand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from collections.abc import Callable

from django.db import transaction
from django.db.models import Case, F, Func, JSONField, Value, When
from eventsourcing.persistence import Notification

from taolun.events.audit.reads import HistoryRead
from taolun.events.campaigns import Activity, Plan, Problem, Suggestion
from taolun.events.campaigns.unit_plan import UnitPlan
from taolun.events.kernel import RequestIndex
from taolun.events.reports.report import Report
from taolun.projections.models import ApiToken, Grant, OrgNode, UserAccount
from taolun.projections.runner import Projection, topics_of
from taolun.projections.subtree import move_subtree
from taolun.tenants import paths
from taolun.tenants.domainmodel import EmailIndex, SiblingCode, Tenant, User


def add_counts(counts: dict[str, int], delta: dict[str, int]) -> dict[str, int]:
    """``counts`` + ``delta``, zero entries dropped, keys sorted (as the JSON stores them)."""
    total = Counter(counts)
    for kind, n in delta.items():
        total[kind] += n
    return {k: v for k, v in sorted(total.items()) if v}


class AddCounts(Func):
    """SQL for ``subtree_counts`` + ``delta`` (zero entries dropped) on the row itself."""

    output_field = JSONField()

    def __init__(self, delta: dict[str, int]) -> None:
        super().__init__()
        self.delta = sorted(delta.items())

    def as_sql(self, compiler, connection, **extra):
        pairs, params = [], []
        if connection.vendor == "postgresql":
            for kind, n in self.delta:
                pairs.append("%s::text, NULLIF(COALESCE((subtree_counts->>%s)::int, 0) + %s::int, 0)")
                params += [kind, kind, n]
            sql = f"jsonb_strip_nulls(subtree_counts || jsonb_build_object({', '.join(pairs)}))"
        else:  # SQLite: a JSON merge patch drops the keys set to null
            for kind, n in self.delta:
                pairs.append("%s, NULLIF(COALESCE(json_extract(subtree_counts, %s), 0) + %s, 0)")
                params += [kind, f'$."{kind}"', n]
            sql = f"json_patch(subtree_counts, json_object({', '.join(pairs)}))"
        return sql, params


class OrgTreeProjection(Projection):
    name = "org"
    tables = (ApiToken, Grant, UserAccount, OrgNode)

    # Nodes this process registered, as committed, for the write that asks for its own
    # node right after (``take_written``): spares reading back the row just written.
    WRITTEN_MAX = 4096

    def __init__(self) -> None:
        self._in_batch = False
        self._written: dict[str, OrgNode] = {}
        self._reset()

    def _reset(self) -> None:
        self._pending: dict[str, OrgNode] = {}  # hex id -> node registered in this batch
        self._paths: dict[str, str] = {}  # hex id -> path of stored nodes read this batch
        self._deltas: dict[str, Counter] = defaultdict(Counter)  # stored ancestors' counts
        self._children: Counter = Counter()  # stored parents' child_count changes
        self._created: list[OrgNode] = []  # inserted in this batch, handed over on commit

    # -- batch hooks (see Projection) ----------------------------------------------------

    def begin_batch(self) -> None:
        self._reset()
        self._in_batch = True

    def end_batch(self) -> None:
        try:
            self._flush()
            self._hand_over()
        finally:
            self._in_batch = False

    def _hand_over(self) -> None:
        created, self._created = self._created, []
        if created:
            transaction.on_commit(lambda: self._remember(created))

    def _remember(self, nodes: list[OrgNode]) -> None:
        if len(self._written) + len(nodes) > self.WRITTEN_MAX:
            self._written.clear()
        self._written.update((n.id.hex, n) for n in nodes)

    def take_written(self, node_id: Any) -> OrgNode | None:
        """The node as this process's projection committed it, once, if it has not
        changed here since; ``None`` otherwise (read the row)."""
        return self._written.pop(node_id.hex, None)

    def apply(self, event: Any, notification: Notification) -> None:
        handler = self.HANDLERS[type(event)]
        if not isinstance(event, Tenant.Registered):
            self._flush()  # everything else reads and writes the stored rows
        handler(self, event)
        if not self._in_batch:  # driven without the batch hooks: write through
            self._flush()
            self._hand_over()
            self._paths.clear()

    def clear(self) -> None:
        self.forget()
        for model in self.tables:
            model.objects.all().delete()

    def forget(self) -> None:
        """Drop what this process holds in memory (after a rebuild into shadow tables)."""
        self._reset()
        self._written.clear()

    def _flush(self) -> None:
        """Write the buffered nodes (one bulk insert) and count changes (one UPDATE each)."""
        if self._pending:
            OrgNode.objects.bulk_create(self._pending.values(), batch_size=500)
            self._created.extend(self._pending.values())
            self._paths.update((k, n.path) for k, n in self._pending.items())
            self._pending = {}
        if self._deltas or self._children:
            self._update_counts(self._deltas, self._children)
            self._deltas, self._children = defaultdict(Counter), Counter()

    @staticmethod
    def _update_counts(deltas: dict[str, Counter], children: Counter) -> None:
        """Add ``deltas`` (node -> kind -> n) to subtree counts and ``children`` to child
        counts: one UPDATE per distinct delta, the child counts folded into it."""
        groups: dict[tuple, list[str]] = defaultdict(list)
        for node, delta in deltas.items():
            groups[tuple(sorted((k, n) for k, n in delta.items() if n))].append(node)
        for node in children:
            if node not in deltas:
                groups[()].append(node)
        for delta, nodes in groups.items():
            fields: dict[str, Any] = {}
            if delta:
                fields["subtree_counts"] = AddCounts(dict(delta))
            changed = [(n, children[n]) for n in nodes if children[n]]
            if changed:
                fields["child_count"] = F("child_count") + Case(
                    *[When(pk=n, then=Value(d)) for n, d in changed], default=Value(0)
                )
            if fields:
                OrgNode.objects.filter(pk__in=nodes).update(**fields)

    def _path_of(self, node_id: Any) -> str:
        """The path of a node, buffered or stored (DoesNotExist if neither)."""
        key = node_id.hex
        if key in self._pending:
            return self._pending[key].path
        if key not in self._paths:
            self._paths[key] = OrgNode.objects.values_list("path", flat=True).get(pk=node_id)
        return self._paths[key]

    def _count(self, path: str, kinds: dict[str, int], sign: int, child_of: str | None) -> None:
        """Add (or take) ``kinds`` to every ancestor of ``path``; the parent ``child_of``
        gains (or loses) one child. Buffered nodes change in memory, stored ones later."""
        for ancestor in paths.ancestor_ids(path):
            pending = self._pending.get(ancestor)
            if pending is not None:
                pending.subtree_counts = add_counts(
                    pending.subtree_counts, {k: sign * n for k, n in kinds.items()}
                )
                if ancestor == child_of:
                    pending.child_count += sign
            else:
                self._written.pop(ancestor, None)
                for kind, n in kinds.items():
                    self._deltas[ancestor][kind] += sign * n
                if ancestor == child_of:
                    self._children[ancestor] += sign

    # -- tenants -------------------------------------------------------------------------

    def tenant_registered(self, e: Tenant.Registered) -> None:
        path = paths.child_path(self._path_of(e.parent_id) if e.parent_id else "", e.originator_id)
        self._pending[e.originator_id.hex] = OrgNode(
            id=e.originator_id, parent_id=e.parent_id, path=path, depth=paths.depth(path),
            kind=e.kind, code=e.code, name=e.name, created_at=e.timestamp,
            updated_at=e.timestamp, version=e.originator_version, child_count=0,
            subtree_counts={}, counters={},
        )
        self._count(path, {e.kind: 1}, +1, e.parent_id.hex if e.parent_id else None)

    def tenant_renamed(self, e: Tenant.Renamed) -> None:
        self._written.pop(e.originator_id.hex, None)
        OrgNode.objects.filter(pk=e.originator_id).update(
            name=e.name, updated_at=e.timestamp, version=e.originator_version
        )

    def tenant_moved(self, e: Tenant.Moved) -> None:
        node = OrgNode.objects.get(pk=e.originator_id)
        new_parent = OrgNode.objects.get(pk=e.new_parent_id)
        moving = add_counts(node.subtree_counts, {node.kind: 1})
        old_prefix, new_prefix = node.path, paths.child_path(new_parent.path, node.id)
        self._count(old_prefix, moving, -1, e.old_parent_id.hex)
        self._count(new_prefix, moving, +1, e.new_parent_id.hex)
        self._flush()
        move_subtree(OrgNode.objects, old_prefix, new_prefix, depth=True)
        move_subtree(Grant.objects, old_prefix, new_prefix)
        move_subtree(UserAccount.objects, old_prefix, new_prefix, field="home_path")
        OrgNode.objects.filter(pk=node.pk).update(
            parent=new_parent, updated_at=e.timestamp, version=e.originator_version
        )
        self._paths.clear()  # the subtree's paths changed
        self._written.clear()

    def tenant_archived(self, e: Tenant.Archived) -> None:
        # Archives arrive bottom-up, so each node takes only itself out of the counts.
        self._written.pop(e.originator_id.hex, None)
        node = OrgNode.objects.get(pk=e.originator_id)
        self._count(node.path, {node.kind: 1}, -1, node.parent_id.hex if node.parent_id else None)
        self._flush()
        OrgNode.objects.filter(pk=node.pk).update(
            archived=True, updated_at=e.timestamp, version=e.originator_version
        )

    # -- users ---------------------------------------------------------------------------

    def user_registered(self, e: User.Registered) -> None:
        home = OrgNode.objects.filter(pk=e.tenant_id).first() if e.tenant_id else None
        UserAccount.objects.create(
            id=e.originator_id, email=e.email, name=e.name, home=home,
            home_path=home.path if home else "", is_operator=e.is_operator,
            created_at=e.timestamp,
        )

    def role_granted(self, e: User.RoleGranted) -> None:
        node = OrgNode.objects.get(pk=e.node_id)
        Grant.objects.create(
            user_id=e.originator_id, node=node, path=node.path, role=e.role,
            granted_at=e.timestamp, granted_by=e.actor,
        )

    def role_revoked(self, e: User.RoleRevoked) -> None:
        Grant.objects.filter(user_id=e.originator_id, node_id=e.node_id, role=e.role).delete()

    def token_issued(self, e: User.TokenIssued) -> None:
        ApiToken.objects.create(
            token_id=e.token_id, user_id=e.originator_id, token_hash=e.token_hash,
            label=e.label, created_at=e.timestamp, expires_at=e.expires_at,
        )

    def token_revoked(self, e: User.TokenRevoked) -> None:
        ApiToken.objects.filter(token_id=e.token_id).update(revoked_at=e.timestamp)

    HANDLERS: dict[type, Callable[..., None]] = {
        Tenant.Registered: tenant_registered,
        Tenant.Renamed: tenant_renamed,
        Tenant.Moved: tenant_moved,
        Tenant.Archived: tenant_archived,
        User.Registered: user_registered,
        User.RoleGranted: role_granted,
        User.RoleRevoked: role_revoked,
        User.TokenIssued: token_issued,
        User.TokenRevoked: token_revoked,
    }
    # Left alone on purpose (an aggregate named here: all of its events).
    IGNORED: frozenset[type] = frozenset({
        Tenant.ChildAttached, Tenant.ChildDetached,  # the parent's side of Registered / Moved
        User.PasswordSet,  # the hash lives in the web's Credential table, not in this tree
        SiblingCode, EmailIndex, RequestIndex, Plan, Activity, Suggestion, Problem, UnitPlan, Report,
        HistoryRead,  # an auditor's read: the history projection keeps it
    })
    topics = topics_of(*HANDLERS)
