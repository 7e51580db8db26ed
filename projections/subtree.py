"""Materialised paths in SQL: what :mod:`taolun.tenants.paths` does to one path, done to
every row of a subtree in one query (selecting it, or moving it in one UPDATE).

``<field>__under=<path>`` selects the rows at or below the node at ``path``. Django's
``startswith`` is ``LIKE 'path%'``, which SQLite's case-insensitive LIKE cannot answer
from an index: every subtree query read every row of the table (of the campaign), and a
rebuild of the full city spent most of its time in them. A path is lowercase hex and ``/``,
so on SQLite ``under`` is the byte range ``[path, path with its last character + 1)``, which
the ``(…, path)`` indexes answer; on PostgreSQL it stays ``LIKE``, which its
``varchar_pattern_ops`` indexes answer (a range would follow the database's collation).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat, Substr
from django.db.models.lookups import StartsWith

from taolun.tenants import paths


class Under(StartsWith):
    """``path__under=top``: at or below the node at ``top`` (see the module docstring)."""

    lookup_name = "under"

    def as_sql(self, compiler, connection):
        # Django's own ``startswith``, which the backends know by that name.
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, str) or not self.rhs:
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]


def register_lookups() -> None:
    """Called once by the projections app when Django is ready."""
    CharField.register_lookup(Under)


def within_any(tops: Iterable[str], field: str = "path") -> Q:
    """Rows whose ``field`` is at or below any of the nodes at ``tops`` (no top: no row)."""
    q = Q(pk__in=[])
    for top in tops:
        q |= Q(**{f"{field}__under": top})
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
    return queryset.filter(**{f"{field}__under": old_top}).update(**changes)
