"""The pull-based projection runner.

The library's ProjectionRunner cannot subscribe to SQLite, so this one reads the
notification log itself: lock the projection's position row, read the next batch after it,
apply every event, write the new position, commit. One transaction, so every event lands
exactly once in the read models, after a crash too.

One event must never stop the world: when a batch fails, it is rolled back and applied
again one event at a time, each projection's ``apply`` of an event in its own savepoint.
An event that still fails is parked for that projection (a ``ParkedEvent`` row with the
error) and the projection moves past it; ``retry_parked`` applies it again after a fix.
See docs/projections.md.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from taolun.projections.models import ParkedEvent, ProjectionPosition
from taolun.projections.replay import Replay, TableCheck

log = logging.getLogger("taolun.projections")

# Failures of the database itself (connection lost, SQLite busy): no event is to blame, so
# nothing is parked; the runner retries the batch later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_ERROR_LENGTH = 2000
# A rebuild folds this many events per batch: large batches let a projection settle many
# events in one set-based write; the rows a batch touches stay in memory until it ends.
REBUILD_BATCH = 10_000


class Projection(ABC):
    """A read model kept up to date from the event log.

    Optional batch hooks (duck-typed; a projection without them works unchanged):

    ``begin_batch()``
        Called once per batch in which this projection receives at least one event,
        before its first ``apply``, inside the runner's transaction. It must reset any
        state buffered by an earlier batch (that batch may have failed and rolled back).
    ``end_batch()``
        Called after this projection's last ``apply`` of the batch, still inside the same
        transaction and before the positions are written: the place to flush set-based
        writes (bulk inserts, one UPDATE for many rows). An exception here rolls back the
        whole batch, every projection's rows and positions alike; the runner then applies
        the same events one at a time, each as a batch of one (see the module docstring).

    Within one batch the projections run one after the other in the runner's order, each
    over all of its events: a projection's ``end_batch`` has run before the next
    projection sees the batch, so later projections read the flushed rows.

    Optional replay hooks (a rebuild, see :meth:`ProjectionRunner.rebuild`):

    ``begin_replay()`` / ``end_replay()``
        Around a whole replay into shadow tables: a projection may leave work that does not
        change the result (figures computed from rows it has written) for ``end_replay``,
        which runs inside the transaction of the swap, after the last batch.
    ``forget()``
        After a replay, whatever happened: drop anything held in memory about the shadows.

    ``write_only_tables`` (optional): those of its ``tables`` its fold never reads, whose
    shadows a rebuild fills without indexes. ``reads_every_event`` (optional): its topics
    are every topic of the log, so a replay reads the log unfiltered.
    """

    name: str
    # Topics (``module:Class.Event``) this projection reads; others are skipped undecoded.
    topics: frozenset[str]
    # The tables (models) this projection owns and ``clear`` empties: a rebuild fills
    # shadows of them and swaps them in (projections/shadow.py).
    tables: tuple[type, ...] = ()

    @abstractmethod
    def apply(self, event: Any, notification: Notification) -> None:
        """Update the read model for one event; runs inside the runner's transaction."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every row this projection owns (before a rebuild)."""


def topics_of(*event_classes: type) -> frozenset[str]:
    """The topics of ``event_classes``, with those they had before their aggregate moved
    (old logs keep them)."""
    from taolun.events.topics import every_topic

    return frozenset(topic for cls in event_classes for topic in every_topic(cls))


class ProjectionRunner:
    def __init__(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper,
        projections: Sequence[Projection],
        batch_size: int = 500,
        rebuild_batch_size: int = REBUILD_BATCH,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.projections = list(projections)
        self.batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        self._lock = threading.Lock()
        self._advanced = threading.Condition()
        self._wake = threading.Event()
        # A lower bound of every projection's committed position, as seen by this process
        # (positions only grow, except in a rebuild, which resets it): lets wait_for answer
        # without querying the position rows again.
        self._applied = 0

    def projection(self, name: str) -> Projection | None:
        return next((p for p in self.projections if p.name == name), None)

    # -- one step ------------------------------------------------------------------------

    def run_once(self) -> int:
        """Apply the next batch to every projection; answer how many events were read."""
        with self._lock:
            read = self._step(self.projections)
        if read:
            with self._advanced:
                self._advanced.notify_all()
        return read

    def _lock_positions(self, names: list[str]) -> dict[str, int]:
        """Lock (and create, the first time) the position rows; answer name -> position."""
        def locked() -> dict[str, int]:
            return dict(
                ProjectionPosition.objects.select_for_update()
                .filter(name__in=names).order_by("name").values_list("name", "position")
            )

        rows = locked()
        if len(rows) < len(names):
            for name in names:
                if name not in rows:
                    ProjectionPosition.objects.get_or_create(name=name)
            rows = locked()
        return rows

    def _step(self, projections: Sequence[Projection]) -> int:
        """Apply the next batch; a batch that fails is applied again event by event."""
        try:
            return self._step_batch(projections)
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            log.warning("projection batch failed; applying it event by event", exc_info=True)
            return self._step_each(projections)

    def _step_batch(self, projections: Sequence[Projection]) -> int:
        """The fast path, one transaction: lock the positions, read one batch after the
        lowest, give each projection the events it has not applied yet, write the new
        positions."""
        names = sorted(p.name for p in projections)
        complete = len(projections) == len(self.projections)
        with transaction.atomic():
            positions = self._lock_positions(names)
            start = min(positions.values())
            batch = self.recorder.select_notifications(
                start=start, limit=self.batch_size, inclusive_of_start=False
            )
            if not batch:
                if complete:
                    self._note_applied(start)
                return 0
            decoded: dict[int, Any] = {}  # each event is decoded once, whoever reads it
            for projection in projections:
                after = positions[projection.name]
                self._apply(projection, [n for n in batch if n.id > after], decoded)
            # Every chosen projection now stands at the end of the batch: one statement.
            ProjectionPosition.objects.filter(name__in=names).update(
                position=batch[-1].id, updated_at=timezone.now()
            )
            if complete:
                end = batch[-1].id
                transaction.on_commit(lambda: self._note_applied(end))
        return len(batch)

    def _step_each(self, projections: Sequence[Projection]) -> int:
        """The slow path after a failed batch: the same events, one transaction each."""
        names = sorted(p.name for p in projections)
        with transaction.atomic():
            start = min(self._lock_positions(names).values())
            batch = self.recorder.select_notifications(
                start=start, limit=self.batch_size, inclusive_of_start=False
            )
        for notification in batch:
            self._step_one(projections, names, notification)
        return len(batch)

    def _step_one(
        self, projections: Sequence[Projection], names: list[str], notification: Notification
    ) -> None:
        """Apply one event to every projection still behind it, each in a savepoint; park
        it for a projection that fails; move those projections past it."""
        complete = len(projections) == len(self.projections)
        with transaction.atomic():
            positions = self._lock_positions(names)
            behind = [p for p in projections if positions[p.name] < notification.id]
            decoded: dict[int, Any] = {}
            for projection in behind:
                try:
                    with transaction.atomic():  # a failure undoes this projection's writes only
                        self._apply(projection, [notification], decoded)
                except TRANSIENT_ERRORS:
                    raise
                except Exception as error:
                    self._park(projection, notification, error)
            ProjectionPosition.objects.filter(name__in=[p.name for p in behind]).update(
                position=notification.id, updated_at=timezone.now()
            )
            if complete:
                transaction.on_commit(lambda: self._note_applied(notification.id))

    def _park(self, projection: Projection, notification: Notification, error: Exception) -> None:
        log.error(
            "projection %s parked event %s (%s): %s",
            projection.name, notification.id, notification.topic, error,
            exc_info=(type(error), error, error.__traceback__),
        )
        now = timezone.now()
        ParkedEvent.objects.update_or_create(
            projection=projection.name, notification_id=notification.id,
            defaults={"topic": notification.topic[:255], "error": describe(error),
                      "parked_at": now, "last_tried_at": now},
        )

    # -- parked events -------------------------------------------------------------------

    def parked(self) -> list[ParkedEvent]:
        return list(ParkedEvent.objects.all())

    def retry_parked(self, parked_id: int) -> str | None:
        """Apply a parked event again (after a fix), out of order: the projection has moved
        on past it. Answer ``None`` when it applied (its row is deleted), else the error
        (kept on the row). ``LookupError`` when there is no such row."""
        with self._lock, transaction.atomic():
            row = ParkedEvent.objects.select_for_update().filter(id=parked_id).first()
            if row is None:
                raise LookupError(parked_id)
            projection = self.projection(row.projection)
            if projection is None:
                return f"unknown projection {row.projection!r}"
            self._lock_positions([projection.name])  # one writer at a time, across processes
            found = self.recorder.select_notifications(start=row.notification_id, limit=1)
            if not found or found[0].id != row.notification_id:
                return f"notification {row.notification_id} is not in the log"
            try:
                with transaction.atomic():
                    self._apply(projection, found, {})
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:
                row.error = describe(error)
                row.attempts += 1
                row.last_tried_at = timezone.now()
                row.save(update_fields=["error", "attempts", "last_tried_at"])
                return row.error
            row.delete()
            return None

    def _apply(
        self, projection: Projection, batch: Iterable[Notification], decoded: dict[int, Any]
    ) -> None:
        mine = [n for n in batch if n.topic in projection.topics]
        if not mine:
            return
        begin = getattr(projection, "begin_batch", None)
        end = getattr(projection, "end_batch", None)
        if begin is not None:
            begin()
        for notification in mine:
            if notification.id not in decoded:
                decoded[notification.id] = self.mapper.to_domain_event(notification)
            projection.apply(decoded[notification.id], notification)
        if end is not None:
            end()

    def _note_applied(self, position: int) -> None:
        """Remember (after commit) how far every projection is known to have applied."""
        with self._advanced:
            if position > self._applied:
                self._applied = position

    # -- catching up ---------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        known = dict(ProjectionPosition.objects.values_list("name", "position"))
        return {p.name: known.get(p.name, 0) for p in self.projections}

    def caught_up_to(self, notification_id: int) -> bool:
        return min(self.positions().values(), default=0) >= notification_id

    def catch_up(self, until: int | None = None) -> None:
        """Run batches in this thread until the log (or ``until``) is reached."""
        while self.run_once():
            if until is not None and self.caught_up_to(until):
                return

    def wait_for(self, notification_id: int, timeout: float = 5.0) -> bool:
        """Read-your-writes: block until every projection has applied ``notification_id``.

        The calling thread applies the batch itself when the runner is free, which is
        quicker than handing over to the runner thread and waiting to be woken.
        """
        if notification_id <= 0:
            return True
        deadline = time.monotonic() + timeout
        while self._applied < notification_id:
            if time.monotonic() > deadline:
                return self.caught_up_to(notification_id)
            if self._lock.acquire(blocking=False):
                try:
                    # Reads the locked positions itself and notes them after commit; a
                    # batch that finds nothing to read proves every projection is past
                    # the log's head, so ``notification_id`` too.
                    self._step(self.projections)
                finally:
                    self._lock.release()
                with self._advanced:
                    self._advanced.notify_all()
            else:
                with self._advanced:
                    self._advanced.wait(timeout=0.05)
        return True

    def poke(self) -> None:
        self._wake.set()

    # -- running as a thread or process --------------------------------------------------

    def run_forever(
        self,
        stop: threading.Event,
        wait_for_news: Callable[[float], None] | None = None,
        idle_seconds: float = 1.0,
    ) -> None:
        """Apply batches until ``stop`` is set; sleep on ``wait_for_news`` when idle."""
        from django.db import close_old_connections

        log.info("projection runner started (%s)", ", ".join(p.name for p in self.projections))
        while not stop.is_set():
            try:
                if self.run_once():
                    continue
            except Exception:  # keep the runner alive; the batch rolled back and is retried
                log.exception("projection batch failed; retrying")
                close_old_connections()
                stop.wait(1.0)
                continue
            if wait_for_news is not None:
                wait_for_news(idle_seconds)
            else:
                self._wake.wait(idle_seconds)
                self._wake.clear()

    def rebuild(
        self, names: Sequence[str] | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Replay the whole log into shadows of the chosen projections' tables and swap them
        in at once (docs/projections.md); answer the log's head at the swap.

        Readers see the old tables until the swap; a rebuild that fails leaves them as they
        were. The fold is each projection's own ``begin_batch``/``apply``/``end_batch``,
        over large batches."""
        chosen = [p for p in self.projections if names is None or p.name in names]
        with self._lock:
            with Replay(self, chosen, progress) as replay:
                replay.fill()  # the bulk of the log, outside the swap's transaction
                replay.prepare_swap()
                with transaction.atomic():
                    head = replay.finish()
                    # Replaying the whole log applied every parked event again.
                    ParkedEvent.objects.filter(projection__in=[p.name for p in chosen]).delete()
                    replay.swap()
                    for failed in replay.failures:
                        self._park(*failed)
                    self._set_positions(chosen, head)
        with self._advanced:
            self._advanced.notify_all()
        return head

    def verify(
        self, names: Sequence[str] | None = None, progress: Callable[[int, int], None] | None = None
    ) -> list[TableCheck]:
        """Rebuild the chosen projections into shadow tables and compare them with the live
        ones (row counts, content checksums) at the live tables' position; the live tables
        are brought up to date first and are not changed otherwise."""
        chosen = [p for p in self.projections if names is None or p.name in names]
        with self._lock:
            while self._step(chosen):
                pass
            with Replay(self, chosen, progress) as replay:
                replay.fill(until=min(self.positions()[p.name] for p in chosen))
                replay.analyze()
                with transaction.atomic():
                    # Holding the positions, the live tables stand still while they are read.
                    positions = self._lock_positions(sorted(p.name for p in chosen))
                    replay.fill(until=min(positions.values()))
                    replay.end()
                    return replay.compare()

    def _set_positions(self, projections: Sequence[Projection], position: int) -> None:
        for projection in projections:
            ProjectionPosition.objects.update_or_create(
                name=projection.name, defaults={"position": position})

    def _fold(
        self, projections: Sequence[Projection], batch: list[Notification], decoded: dict[int, Any],
        failures: list[tuple[Projection, Notification, Exception]],
    ) -> None:
        """Apply ``batch`` to every projection in one transaction; when that fails, event by
        event, each projection in a savepoint, noting the events that still fail."""
        try:
            with transaction.atomic():
                for projection in projections:
                    self._apply(projection, batch, decoded)
            return
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            log.warning("rebuild batch failed; applying it event by event", exc_info=True)
        for notification in batch:
            with transaction.atomic():
                for projection in projections:
                    try:
                        with transaction.atomic():
                            self._apply(projection, [notification], decoded)
                    except TRANSIENT_ERRORS:
                        raise
                    except Exception as error:
                        failures.append((projection, notification, error))


def describe(error: Exception) -> str:
    """The error as text any column stores: the offending value may be quoted in it."""
    text = f"{type(error).__name__}: {error}"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return text[:MAX_ERROR_LENGTH]
