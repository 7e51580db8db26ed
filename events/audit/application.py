"""The ``Audit`` application: record a history read, for auditors (and operators) only."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from taolun.events.campaigns.ports import OrgTree
from taolun.events.kernel import Forbidden, NotFound, TaolunApplication
from taolun.events.audit.reads import HistoryRead

AUDITOR = "auditor"


class Audit(TaolunApplication):
    def __init__(self, *args: Any, org: OrgTree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org

    def record_history_read(self, actor: UUID | None, node_id: UUID, *, kind: str,
                            filters: dict[str, Any], fmt: str | None = None) -> tuple[UUID, int]:
        """Append ``HistoryRead.Recorded``; the read is answered only once it is stored.
        Only an auditor at or above the node (or an operator) reads a subtree's history."""
        if not self.org.lineage(node_id):
            raise NotFound("not_found", "单位不存在", id=str(node_id))
        if not self.org.holds_role(actor, node_id, (AUDITOR,)):
            raise Forbidden("not_auditor", "只有审计员可以查阅事件历史")
        read = HistoryRead.record(node_id=node_id, actor=actor, kind=kind, fmt=fmt, filters=filters)
        return read.id, self.save_all(read)
