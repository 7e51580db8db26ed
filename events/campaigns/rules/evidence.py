"""Evidence references: the blob lives in the blob store, addressed by its sha256."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from taolun.events.campaigns.rules.values import text
from taolun.events.kernel import DomainError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Evidence sizes live in JSON: keep them exact for every JSON reader (2^53 - 1).
MAX_EVIDENCE_SIZE = 2**53 - 1


def evidence(values: Any) -> list[dict[str, Any]]:
    """Evidence references (the blob lives elsewhere, addressed by sha256)."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        values = [values]
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise DomainError("invalid_evidence", "佐证材料格式错误", field="evidence")
    refs = []
    for v in values:
        if not isinstance(v, Mapping):
            raise DomainError("invalid_evidence", "佐证材料格式错误", field="evidence")
        sha = str(v.get("sha256", "")).lower()
        if not _SHA256.match(sha):
            raise DomainError("invalid_evidence", "佐证材料缺少有效的 sha256", field="evidence.sha256")
        size = v.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_EVIDENCE_SIZE:
            raise DomainError("invalid_evidence", "佐证材料大小无效", field="evidence.size")
        refs.append(
            {
                "sha256": sha,
                "filename": text(v.get("filename"), "evidence.filename", max_length=255),
                "size": size,
                "content_type": text(v.get("content_type"), "evidence.content_type", max_length=255),
            }
        )
    return refs

