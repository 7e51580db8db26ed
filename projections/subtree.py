"""Materialised paths in SQL: what :mod:`taolun.tenants.paths` does to one path, done to
every row of a subtree in one query (selecting it, or moving it in one UPDATE)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr

from taolun.tenants import paths


def within_any(tops: Iterable[str], field: str = "path") -> Q:
    """Rows whose ``field`` is at or below any of the nodes at ``tops`` (no top: no row)."""
    q = Q(pk__in=[])
    for top in tops:
        q |= Q(**{f"{field}__startswith": top})
    return q


def relocated(field: str, old_top: str, new_top: str) -> Concat:
    """The expression for ``paths.relocated(<field>, old_top, new_top)`` on each row."""
    return Concat(Value(new_top), Substr(field, len(old_top) + 1))


def move_subtree(queryset, old_top: str, new_top: str, *, field: str = "path", depth: bool = False) -> int:
    """Move every row of ``queryset`` whose ``field`` is at or below ``old_top`` under
    ``new_top``; with ``depth``, shift the rows' ``depth`` column too."""
    changes = {field: relocated(field, old_top, new_top)}
    if depth:
        changes["depth"] = F("depth") + paths.depth_shift(old_top, new_top)
    return queryset.filter(**{f"{field}__startswith": old_top}).update(**changes)
