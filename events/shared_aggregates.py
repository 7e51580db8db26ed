"""Aggregates that commands only read, shared across requests without copying.

A command reads some aggregates it never changes: the unit's ancestors (every write checks
the lineage), the plan an entry is logged against and the campaign whose window bounds it.
The library's cache hands each reader a deep copy (so that a failed command cannot leave
a half-changed aggregate behind), and a copy of a bureau grows with its children: at the
benchmark's scale 0.25 the copies of an activity write's lineage took 15 % of the write.

Here a cached aggregate is never changed once handed out (copy on write): each read asks
the store for the events after the cached version (one query, so another process's writes
are seen as with the library's fast-forward) and, only when there are some, applies them
to a fresh copy that replaces the cached one. Readers must never mutate what they get.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate


class SharedAggregates:
    """Up to ``maxsize`` aggregates of ``app`` (least recently read dropped first)."""

    def __init__(self, app: Application, maxsize: int) -> None:
        self._app = app
        self._maxsize = maxsize
        self._cache: OrderedDict[UUID, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, aggregate_id: UUID) -> Any:
        """The aggregate as the store has it now (``AggregateNotFoundError`` if none)."""
        with self._lock:
            cached = self._cache.get(aggregate_id)
        if cached is None:
            aggregate = self._app.repository.get(aggregate_id)  # a private copy
        else:
            newer = list(self._app.events.get(originator_id=aggregate_id, gt=cached.version))
            if not newer:
                return cached
            aggregate = project_aggregate(deepcopy(cached), newer)
            if aggregate is None:
                raise AggregateNotFoundError(aggregate_id)
        self._keep(aggregate_id, aggregate)
        return aggregate

    def find(self, aggregate_id: UUID, cls: type) -> Any | None:
        """The aggregate if it exists and is a ``cls``; ``None`` otherwise (the caller then
        falls back to its usual lookup, which refuses as it always does)."""
        try:
            aggregate = self.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def _keep(self, aggregate_id: UUID, aggregate: Any) -> None:
        with self._lock:
            known = self._cache.get(aggregate_id)
            if known is None or known.version < aggregate.version:  # a racing reader may be ahead
                self._cache[aggregate_id] = aggregate
            self._cache.move_to_end(aggregate_id)
            while len(self._cache) > self._maxsize:
                self._cache.popitem(last=False)
