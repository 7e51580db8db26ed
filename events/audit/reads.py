"""``HistoryRead``: an auditor read (or exported) the event history of a subtree.

Reading history is itself part of history: the read is appended before it is answered,
so an auditor above sees who looked at what, when, and with which filter.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from taolun.events.kernel import DomainError, TaolunAggregate

# How the history was read: on a page or through the API (a page of events), or exported.
READ_KINDS = {"read": None, "export": ("jsonl", "csv")}


def check_read(kind: str, fmt: str | None) -> None:
    formats = READ_KINDS.get(kind, ())
    if kind not in READ_KINDS:
        raise DomainError("unknown_read_kind", f"未知的查阅方式：{kind}", kind=kind, allowed=sorted(READ_KINDS))
    if formats is not None and fmt not in formats:
        raise DomainError("unsupported_export_format", f"不支持的导出格式：{fmt}", field="format",
                          allowed=list(formats))


class HistoryRead(TaolunAggregate):
    """One read: ``tenant_id`` is the node whose history was read, ``actor`` the reader."""

    @event("Recorded")
    def __init__(self, *, tenant_id: UUID, actor: UUID | None, kind: str, format: str | None,
                 filters: dict[str, Any]) -> None:
        self.kind = kind
        self.format = format
        self.filters = filters

    @classmethod
    def record(cls, *, node_id: UUID, actor: UUID | None, kind: str, fmt: str | None,
               filters: dict[str, Any]) -> HistoryRead:
        check_read(kind, fmt)
        return cls(tenant_id=node_id, actor=actor, kind=kind, format=fmt if kind == "export" else None,
                   filters={k: v for k, v in filters.items() if v not in (None, "", [])})
