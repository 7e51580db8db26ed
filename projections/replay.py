"""A rebuild's replay: the whole log folded into shadow tables, then swapped in at once or
compared with the live tables (``taolun rebuild [--verify]``; docs/projections.md).

The fold is the live runner's own (:meth:`ProjectionRunner._fold`: each projection's
``begin_batch``/``apply``/``end_batch``), over larger batches; this module holds what only
a replay does around it: the shadows' life, the batches read from the log, the settle at
the end, the swap or the comparison.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from eventsourcing.persistence import Notification

from taolun.projections import shadow

if TYPE_CHECKING:
    from taolun.projections.runner import Projection, ProjectionRunner


class Replay:
    """One rebuild's replay: shadows created on entry, filled batch by batch, swapped in
    or compared, and dropped on exit whatever happened."""

    def __init__(
        self, runner: ProjectionRunner, projections: Sequence[Projection],
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.runner = runner
        self.projections = list(projections)
        self.progress = progress
        self.models = [m for p in self.projections for m in p.tables]
        self.tables = [m._meta.db_table for m in self.models]
        self.write_only = [m._meta.db_table for p in self.projections for m in getattr(p, "write_only_tables", ())]
        self.position = 0
        self.failures: list[tuple[Projection, Notification, Exception]] = []
        self._pointing = shadow.pointing_at_shadows(self.models)

    def __enter__(self) -> Replay:
        with transaction.atomic():
            shadow.create_shadows(self.tables, self.write_only)
        self._pointing.__enter__()
        try:
            for projection in self.projections:
                projection.clear()  # empties the (new) shadows and any state held in memory
                begin = getattr(projection, "begin_replay", None)
                if begin is not None:
                    begin()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._pointing.__exit__(None, None, None)
        finally:
            for projection in self.projections:
                forget = getattr(projection, "forget", None)
                if forget is not None:
                    forget()  # nothing built in the shadows may outlive them
            with transaction.atomic():
                shadow.drop_shadows(self.tables)

    def fill(self, until: int | None = None) -> int:
        """Fold the log, up to its head as it stands now (or ``until``), into the shadows;
        answer that position."""
        head = self.runner.recorder.max_notification_id() or 0
        if until is not None:
            head = min(head, until)
        # A projection that reads every event (the history) makes a filter on topics a
        # comparison per row against every topic: read the log as it is instead.
        every = any(getattr(p, "reads_every_event", False) for p in self.projections)
        topics = () if every else sorted(set().union(*(p.topics for p in self.projections)))
        decoded: dict[int, Any] = {}
        while batch := self.runner.recorder.select_notifications(
            start=self.position, limit=self.runner.rebuild_batch_size, stop=head, topics=topics, inclusive_of_start=False,
        ):
            decoded.clear()
            with collector_paused():
                self.runner._fold(self.projections, batch, decoded, self.failures)
            self.position = batch[-1].id
            if self.progress:
                self.progress(self.position, head)
        self.position = max(self.position, head)
        if self.progress:
            self.progress(self.position, head)
        return self.position

    def finish(self) -> int:
        """Inside the swap's transaction: hold the positions (the live runner waits) and fold
        what was appended since."""
        self.runner._lock_positions(sorted(p.name for p in self.projections))
        head = self.fill()
        self.end()
        return head

    def end(self) -> None:
        """The replay is complete: let each projection settle what it deferred."""
        with collector_paused():
            for projection in self.projections:
                end = getattr(projection, "end_replay", None)
                if end is not None:
                    end()

    def prepare_swap(self) -> None:
        """Before the swap's transaction, the shadows now full: index the write-only ones,
        gather every shadow's statistics."""
        with transaction.atomic():
            shadow.index_write_only(self.write_only)
        self.analyze()

    def analyze(self) -> None:
        """Planner statistics for the full shadows (the last settle queries them)."""
        with transaction.atomic():
            shadow.analyze(self.tables)

    def swap(self) -> None:
        shadow.swap_in(self.models)

    def compare(self) -> list[TableCheck]:
        checks = []
        for model, table in zip(self.models, self.tables, strict=True):
            live, rebuilt = shadow.table_sum(model, table), shadow.table_sum(model, shadow.shadow_name(table))
            checks.append(TableCheck(
                table, live.rows, rebuilt.rows, live.checksum, rebuilt.checksum,
                only_live=len(live.digests - rebuilt.digests), only_rebuilt=len(rebuilt.digests - live.digests)))
        return checks


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a replay batch is folded. A batch
    makes hundreds of thousands of short-lived objects (events, rows, their values), all
    freed by reference counting; the collector's passes over them, and over the
    long-lived caches, took a third of a rebuild. It resumes after the batch, and its next
    pass collects whatever the batch left in cycles. Process-wide: a rebuild runs in its
    own process (``taolun rebuild``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class TableCheck:
    """One table of ``rebuild --verify``: the live rows against a fresh rebuild's."""

    table: str
    live_rows: int
    rebuilt_rows: int
    live_checksum: str
    rebuilt_checksum: str
    only_live: int  # rows (by content) found only in the live table
    only_rebuilt: int

    @property
    def same(self) -> bool:
        return self.live_rows == self.rebuilt_rows and self.live_checksum == self.rebuilt_checksum
