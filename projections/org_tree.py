"""The directory read model: the organisation tree, users, grants and tokens."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from eventsourcing.persistence import Notification

from taolun.projections.models import ApiToken, Grant, OrgNode, UserAccount
from taolun.projections.runner import Projection, topics_of
from taolun.tenants.domainmodel import Tenant, User


def ancestor_ids(path: str) -> list[str]:
    """Hex ids of the nodes above the one at ``path``, root first."""
    return path.rstrip("/").split("/")[:-1]


def node_path(parent: OrgNode | None, node_id: Any) -> str:
    return (parent.path if parent else "") + node_id.hex + "/"


class OrgTreeProjection(Projection):
    name = "org"
    topics = topics_of(
        Tenant.Registered, Tenant.Renamed, Tenant.Moved, Tenant.Archived,
        User.Registered, User.RoleGranted, User.RoleRevoked, User.TokenIssued,
        User.TokenRevoked,
    )

    def apply(self, event: Any, notification: Notification) -> None:
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"))
        handler(event)

    def clear(self) -> None:
        for model in (ApiToken, Grant, UserAccount, OrgNode):
            model.objects.all().delete()

    # -- tenants -------------------------------------------------------------------------

    def on_Tenant_Registered(self, e: Tenant.Registered) -> None:
        parent = OrgNode.objects.get(pk=e.parent_id) if e.parent_id else None
        path = node_path(parent, e.originator_id)
        OrgNode.objects.create(
            id=e.originator_id, parent=parent, path=path, depth=path.count("/") - 1,
            kind=e.kind, code=e.code, name=e.name, created_at=e.timestamp,
            updated_at=e.timestamp, version=e.originator_version,
        )
        self._count(path, Counter({e.kind: 1}), +1)
        if parent is not None:
            OrgNode.objects.filter(pk=parent.pk).update(child_count=F("child_count") + 1)

    def on_Tenant_Renamed(self, e: Tenant.Renamed) -> None:
        OrgNode.objects.filter(pk=e.originator_id).update(
            name=e.name, updated_at=e.timestamp, version=e.originator_version
        )

    def on_Tenant_Moved(self, e: Tenant.Moved) -> None:
        node = OrgNode.objects.get(pk=e.originator_id)
        new_parent = OrgNode.objects.get(pk=e.new_parent_id)
        moving = Counter(node.subtree_counts) + Counter({node.kind: 1})
        self._count(node.path, moving, -1)
        old_prefix, new_prefix = node.path, node_path(new_parent, node.id)
        shift = new_prefix.count("/") - old_prefix.count("/")
        relocated = Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1))
        OrgNode.objects.filter(path__startswith=old_prefix).update(
            path=relocated, depth=F("depth") + shift
        )
        Grant.objects.filter(path__startswith=old_prefix).update(path=relocated)
        UserAccount.objects.filter(home_path__startswith=old_prefix).update(
            home_path=Concat(Value(new_prefix), Substr("home_path", len(old_prefix) + 1))
        )
        OrgNode.objects.filter(pk=e.old_parent_id).update(child_count=F("child_count") - 1)
        OrgNode.objects.filter(pk=e.new_parent_id).update(child_count=F("child_count") + 1)
        OrgNode.objects.filter(pk=node.pk).update(
            parent=new_parent, updated_at=e.timestamp, version=e.originator_version
        )
        self._count(new_prefix, moving, +1)

    def on_Tenant_Archived(self, e: Tenant.Archived) -> None:
        # Archives arrive bottom-up, so each node takes only itself out of the counts.
        node = OrgNode.objects.get(pk=e.originator_id)
        self._count(node.path, Counter({node.kind: 1}), -1)
        if node.parent_id:
            OrgNode.objects.filter(pk=node.parent_id).update(child_count=F("child_count") - 1)
        OrgNode.objects.filter(pk=node.pk).update(
            archived=True, updated_at=e.timestamp, version=e.originator_version
        )

    @staticmethod
    def _count(path: str, kinds: Counter, sign: int) -> None:
        """Add (or take) ``kinds`` to the subtree counts of every ancestor of ``path``."""
        ancestors = OrgNode.objects.filter(pk__in=ancestor_ids(path))
        for ancestor in ancestors:
            counts = Counter(ancestor.subtree_counts)
            for kind, n in kinds.items():
                counts[kind] += sign * n
            ancestor.subtree_counts = {k: v for k, v in sorted(counts.items()) if v}
            ancestor.save(update_fields=["subtree_counts"])

    # -- users ---------------------------------------------------------------------------

    def on_User_Registered(self, e: User.Registered) -> None:
        home = OrgNode.objects.filter(pk=e.tenant_id).first() if e.tenant_id else None
        UserAccount.objects.create(
            id=e.originator_id, email=e.email, name=e.name, home=home,
            home_path=home.path if home else "", is_operator=e.is_operator,
            created_at=e.timestamp,
        )

    def on_User_RoleGranted(self, e: User.RoleGranted) -> None:
        node = OrgNode.objects.get(pk=e.node_id)
        Grant.objects.create(
            user_id=e.originator_id, node=node, path=node.path, role=e.role,
            granted_at=e.timestamp, granted_by=e.actor,
        )

    def on_User_RoleRevoked(self, e: User.RoleRevoked) -> None:
        Grant.objects.filter(user_id=e.originator_id, node_id=e.node_id, role=e.role).delete()

    def on_User_TokenIssued(self, e: User.TokenIssued) -> None:
        ApiToken.objects.create(
            token_id=e.token_id, user_id=e.originator_id, token_hash=e.token_hash,
            label=e.label, created_at=e.timestamp, expires_at=e.expires_at,
        )

    def on_User_TokenRevoked(self, e: User.TokenRevoked) -> None:
        ApiToken.objects.filter(token_id=e.token_id).update(revoked_at=e.timestamp)
