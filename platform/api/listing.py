"""Listing read-model rows of a subtree: the filters a caller gave, then one page."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


def subtree_rows(model, path: str, **filters: Any) -> QuerySet:
    """Rows of ``model`` at ``path`` or below, narrowed by every filter that was given
    (``None`` means "not asked for")."""
    rows = model.objects.filter(path__startswith=path)
    given = {field: value for field, value in filters.items() if value is not None}
    return rows.filter(**given) if given else rows


def page(rows: QuerySet, limit: int, offset: int, out: Callable[[Any], dict]) -> dict:
    return {"count": rows.count(), "items": [out(r) for r in rows[offset:offset + limit]]}
