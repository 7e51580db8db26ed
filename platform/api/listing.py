"""Listing read-model rows of a subtree: the filters a caller gave, then one page
(``@paginate`` with ``BoundedPagination``: ``?limit=&offset=``, answer ``{items, count}``).

A router module using ``@paginate`` must not use ``from __future__ import annotations``:
ninja reads the wrapped view's annotations as strings it cannot resolve, and the OpenAPI
document then answers 500 (tests/e2e/test_openapi.py reads it)."""

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
    rows = model.objects.filter(path__under=path)
    given = {field: value for field, value in filters.items() if value is not None}
    return rows.filter(**given) if given else rows


class Rows:
    """Rows shown through ``out``, for ``@paginate``: counted and sliced in the database like
    the queryset itself; only the page's rows are turned into answers."""

    def __init__(self, rows: QuerySet, out: Callable[[Any], Any]) -> None:
        self.rows, self.out = rows, out

    def all(self) -> "Rows":  # the paginator counts ``queryset.all().count()``
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list:
        return [self.out(row) for row in self.rows[window]]
