"""In-memory implementations of the campaign context's ports, for the unit tests."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID, uuid4

from taolun.events.kernel import DomainError, NotFound


class Tree:
    """An organisation tree with role grants (the ``OrgTree`` port)."""

    def __init__(self) -> None:
        self.parents: dict[UUID, UUID | None] = {}
        self.kinds: dict[UUID, str] = {}
        self.archived: set[UUID] = set()
        self.grants: set[tuple[UUID, UUID, str]] = set()  # (user, unit, role)
        self.operators: set[UUID] = set()

    def add(self, kind: str, parent: UUID | None = None, unit_id: UUID | None = None) -> UUID:
        unit_id = unit_id or uuid4()
        self.parents[unit_id], self.kinds[unit_id] = parent, kind
        return unit_id

    def grant(self, user: UUID, unit: UUID, role: str) -> UUID:
        self.grants.add((user, unit, role))
        return user

    def lineage(self, unit_id: UUID) -> list[UUID]:
        chain: list[UUID] = []
        node: UUID | None = unit_id
        while node is not None and node in self.parents:
            chain.append(node)
            node = self.parents[node]
        return chain

    def unit_kind(self, unit_id: UUID) -> str | None:
        return self.kinds.get(unit_id)

    def ensure_live_unit(self, unit_id: UUID) -> None:
        if unit_id not in self.parents:
            raise NotFound("tenant_not_found", "单位不存在")
        if unit_id in self.archived:
            raise DomainError("tenant_archived", "单位已归档")

    def holds_role(self, actor: UUID | None, unit_id: UUID, roles: Collection[str], *,
                   above: bool = False) -> bool:
        if actor is None or actor in self.operators:
            return True
        nodes = self.lineage(unit_id)[1 if above else 0:]
        return any((actor, node, role) in self.grants for node in nodes for role in roles)


class Uploads:
    """The files each user uploaded (the ``EvidenceStore`` port)."""

    def __init__(self) -> None:
        self.files: set[tuple[UUID | None, str]] = set()

    def upload(self, actor: UUID | None, sha256: str) -> None:
        self.files.add((actor, sha256))

    def citable(self, actor: UUID | None, sha256: str) -> bool:
        return (actor, sha256) in self.files
