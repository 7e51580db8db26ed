"""The time machine: the read models at a past position, and the same read code over them.

An "as of" position ``P``: in a scratch (:mod:`.scratch`), load the nearest checkpoint at
or before ``P`` (none: start empty), then let the projections' own runner catch up over
the log capped at ``P`` (:class:`CappedLog`), so the replay is the live path, event for
event. On the way, each multiple of ``every`` crossed is dumped and stored as a new
checkpoint: the first "as of" of a region pays the replay once, later ones replay at most
``every`` events. Stored lights depend on the day; after the replay they are assessed for
the day of the moment asked. The read code then runs in the same scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import transaction

from taolun.projections.as_of import checkpoints
from taolun.projections.as_of.moments import LogClock, day_of
from taolun.projections.as_of.scratch import in_scratch
from taolun.projections.campaigns.assessment import assess_campaign
from taolun.projections.runner import ProjectionRunner

T = TypeVar("T")
CHECKPOINT_EVERY = 20_000  # events between checkpoints (TAOLUN_AS_OF_CHECKPOINT_EVERY)


class CappedLog:
    """The application recorder, seen up to ``upto`` only (what the runner reads)."""

    def __init__(self, recorder: Any, upto: int) -> None:
        self.recorder, self.upto = recorder, upto

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *, inclusive_of_start: bool = True):
        stop = self.upto if stop is None else min(stop, self.upto)
        if start is not None and start > stop:
            return []
        return self.recorder.select_notifications(
            start, limit, stop, topics, inclusive_of_start=inclusive_of_start)

    def max_notification_id(self) -> int:
        return min(self.upto, self.recorder.max_notification_id() or 0)


class TimeMachine:
    """``projections``: a factory of the projections the views need (a fresh set per
    replay; they hold batch state)."""

    def __init__(self, recorder: Any, mapper: Any, projections: Callable[[], list],
                 every: int = CHECKPOINT_EVERY) -> None:
        self.recorder, self.mapper, self.projections = recorder, mapper, projections
        self.every = every
        self.clock = LogClock(recorder, mapper)

    def position_at(self, when: datetime) -> int:
        return self.clock.position_at(when)

    def at(self, when: datetime, read: Callable[[], T]) -> T:
        """``read()`` answered from the views as they stood at ``when``."""
        return self.at_position(self.position_at(when), read, when)

    def at_position(self, position: int, read: Callable[[], T], when: datetime | None = None) -> T:
        """``read()`` answered from the views replayed up to ``position``; with ``when``,
        the stored lights are those of its day (without, as the replay left them)."""
        start = checkpoints.nearest(position)
        made: list[checkpoints.Dump] = []

        def replay_and_read() -> T:
            self._replay(start, position, made)
            if when is not None:
                with transaction.atomic():
                    assess_campaign(on=day_of(when))
            return read()

        try:
            return in_scratch(replay_and_read)
        finally:
            checkpoints.save(made)  # kept even when the read itself failed

    def _replay(self, start: checkpoints.Dump | None, position: int, made: list[checkpoints.Dump],
                progress: Callable[[int, int], None] | None = None) -> None:
        log = CappedLog(self.recorder, position)
        runner = ProjectionRunner(log, self.mapper, self.projections())
        reached = 0
        if start is not None:
            checkpoints.load(start)
            reached = start.position
        boundary = (reached // self.every + 1) * self.every
        while boundary <= position:
            log.upto = boundary
            runner.catch_up()
            made.append(checkpoints.dump(boundary))
            if progress:
                progress(boundary, position)
            boundary += self.every
        log.upto = position
        runner.catch_up()

    def fill(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Store every missing checkpoint up to the log's head (one replay, from the last
        one stored); answer the last position checkpointed. ``progress(done, total)`` is
        called at each checkpoint taken (from the replay's thread)."""
        head = self.recorder.max_notification_id() or 0
        last = head // self.every * self.every
        if last == 0:
            return 0
        made: list[checkpoints.Dump] = []
        start = checkpoints.nearest(last)
        if start is not None and start.position == last:
            return last

        def run() -> None:
            self._replay(start, last, made, progress)

        try:
            in_scratch(run)
        finally:
            checkpoints.save(made)
        return last
