"""What the campaign rules need from outside the context, as small protocols.

The campaign context imports no Django and no other context: the composition root hands
:class:`~taolun.events.campaigns.application.Campaigns` an implementation of each port
(the tenancy application implements :class:`OrgTree` from the write side's own tree; the
platform implements :class:`EvidenceStore` over the blob store). Tests hand in small fakes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol
from uuid import UUID


class OrgTree(Protocol):
    """The organisation tree and its role grants, as the campaign rules read them."""

    def lineage(self, unit_id: UUID) -> list[UUID]:
        """The unit and its ancestors, nearest first; empty for an unknown unit."""

    def unit_kind(self, unit_id: UUID) -> str | None:
        """``bureau``, ``school``, ``branch`` or ``office``; ``None`` for an unknown unit."""

    def ensure_live_unit(self, unit_id: UUID) -> None:
        """Raise the tree's own DomainError when the unit is unknown or archived."""

    def holds_role(self, actor: UUID | None, unit_id: UUID, roles: Collection[str], *,
                   above: bool = False) -> bool:
        """The actor holds one of ``roles`` on the unit or one of its ancestors (only on its
        ancestors when ``above``). The system (``None``) and operators hold every role."""


class EvidenceStore(Protocol):
    """The files evidence references point at."""

    def citable(self, actor: UUID | None, sha256: str) -> bool:
        """The actor uploaded the file, or can already see a record citing it, and the
        file is there. Anything else (another tenant's hash, a malformed one) is False."""
