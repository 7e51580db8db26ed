"""Where each projection stands (its position row), read once per read request.

The cached reads key their answers by their projection's row (``read_cache``), and the
caller's principal is kept by the org projection's (``access``): a read request reads all
rows in one statement and uses it for both, one round trip instead of two. A request that
may write reads them afresh each time it asks: after its write it must see the rows its
write moved.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest

from taolun.projections.models import ProjectionPosition

_SQL = f"SELECT name, position, updated_at FROM {ProjectionPosition._meta.db_table}"
_READS = ("GET", "HEAD")


def position(request: HttpRequest, projection: str) -> tuple:
    """``(position, updated_at)`` of the projection's row; ``(0, None)`` before its first batch."""
    rows = getattr(request, "_taolun_positions", None) if request.method in _READS else None
    if rows is None:
        with connection.cursor() as cursor:  # plain SQL: the ORM's building cost more than this
            cursor.execute(_SQL)
            rows = {name: (at, updated_at) for name, at, updated_at in cursor.fetchall()}
        if request.method in _READS:
            request._taolun_positions = rows  # type: ignore[attr-defined]
    return rows.get(projection, (0, None))
