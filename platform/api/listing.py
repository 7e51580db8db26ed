"""Listing read-model rows of a subtree: the filters a caller gave, then one page."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

from taolun.events.values import MAX_INT


class BoundedPagination(LimitOffsetPagination):
    """``@paginate``'s limit and offset, with an offset no database chokes on (an offset
    beyond 64 bits answered 500). Installed by ``NINJA_PAGINATION_CLASS``."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_INT)


def subtree_rows(model, path: str, **filters: Any) -> QuerySet:
    """Rows of ``model`` at ``path`` or below, narrowed by every filter that was given
    (``None`` means "not asked for")."""
    rows = model.objects.filter(path__startswith=path)
    given = {field: value for field, value in filters.items() if value is not None}
    return rows.filter(**given) if given else rows


def page(rows: QuerySet, limit: int, offset: int, out: Callable[[Any], dict]) -> dict:
    return {"count": rows.count(), "items": [out(r) for r in rows[offset:offset + limit]]}
