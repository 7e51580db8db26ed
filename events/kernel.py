"""What every bounded context shares: domain errors, the event envelope, the application base.

Every event carries ``tenant_id`` (the tree node it belongs to, ``None`` for platform-level
facts such as an operator) and ``actor`` (the user who caused it, ``None`` for the system).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, ClassVar, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)

# Deterministic ids for index aggregates (uniqueness of codes, e-mails), as in the
# eventsourcing examples: two writers racing for the same name collide on one id.
TAOLUN_NAMESPACE = uuid5(NAMESPACE_URL, "https://taolun.example/ids")


def index_id(*parts: object) -> UUID:
    return uuid5(TAOLUN_NAMESPACE, "/".join(str(p) for p in parts))


class DomainError(Exception):
    """A rule was violated. ``code`` is stable and documented; the API maps it to a status."""

    status: ClassVar[int] = 422

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class TaolunAggregate(Aggregate):
    """Base aggregate: events carry tenant and actor, and know their tenant id."""

    class Event(Aggregate.Event):
        tenant_id: UUID | None
        actor: UUID | None

    class Created(Event, Aggregate.Created):
        pass


class TaolunApplication(Application):
    """Base application.

    All bounded contexts share one stored-event table (``name``), so the notification
    log is one global, gap-free order that projections read from a single position.
    """

    name = "Taolun"
    snapshotting_intervals: ClassVar[dict[type[Aggregate], int]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The library names an application after its class, which on PostgreSQL means a
        # table (and a notification log) per context. Every context keeps the one name.
        super().__init_subclass__(**kwargs)
        cls.name = TaolunApplication.name

    def get_aggregate(self, cls: type[A], aggregate_id: UUID, code: str, message: str) -> A:
        """The aggregate of type ``cls``; a missing one and one of another type alike are
        NotFound (an id from one context never resolves in another)."""
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(code, message, id=str(aggregate_id)) from None
        if not isinstance(aggregate, cls):
            raise NotFound(code, message, id=str(aggregate_id))
        return aggregate

    def save_all(self, *aggregates: Aggregate | None, created: UUID | None = None) -> int:
        """Save atomically; answer the last notification id (for read-your-writes).

        Inside :func:`claiming`, the first save also appends the request's index, so the
        request's key commits (or not) with its events. ``created``: what the command made
        when it is not a new aggregate (an item of a plan), so that a retry is answered it."""
        present = [a for a in aggregates if a is not None]
        claim = pending_claim()
        if claim is None:
            return self._save_recorded(present)
        try:
            nid = self._save_recorded([*present, claim.index_for(present, created)])
        except IntegrityError:
            if self.request_index(claim.index_id) is not None:
                raise RequestAlreadyDone(claim.index_id) from None
            raise
        claim.saved = True
        return nid

    def _save_recorded(self, aggregates: list[Aggregate]) -> int:
        recordings = self.save(*aggregates)
        return max((r.notification.id for r in recordings), default=0)

    def request_index(self, index_id: UUID) -> RequestIndex | None:
        """The committed claim of a request, if any (its existence is read from the store)."""
        if not list(self.events.get(originator_id=index_id, limit=1)):
            return None
        index = self.repository.get(index_id)
        return index if isinstance(index, RequestIndex) else None


class StaleRead(Exception):
    """Two aggregates read by one command disagree: another writer committed between the
    reads. Like a concurrent append, it is retried against fresh state."""


def retry_on_conflict(attempts: int = 5) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Re-run a command whose aggregate moved on under it (optimistic concurrency).

    Only for commands whose guards are re-evaluated against the fresh state; a command
    that names an expected version must surface the conflict instead.
    """

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            for attempt in range(attempts):
                try:
                    return func(*args, **kwargs)
                except (IntegrityError, StaleRead):
                    if attempt == attempts - 1:
                        raise Conflict(
                            "concurrent_update",
                            "记录已被他人同时修改，请重试",
                        ) from None
                    # Jittered backoff: writers that collided do not collide again in step.
                    time.sleep(random.uniform(0, 0.005 * 2**attempt))
            raise AssertionError("unreachable")

        return wrapper

    return decorate


# -- exactly once for retried requests ----------------------------------------------------
#
# A request sent with an Idempotency-Key claims an index aggregate whose id is derived from
# the caller and the key (like the uniqueness indexes of codes and e-mails). The claim is
# saved in the SAME atomic append as the command's events, so the log itself says whether
# the request happened: no "in progress" state a crash could orphan, and two racing copies
# collide on the index id, so only one of them appends anything. See docs/idempotency.md.


class RequestIndex(TaolunAggregate):
    """Index aggregate: one request (caller + Idempotency-Key) committed these events."""

    @staticmethod
    def id_for(scope: str, key: str) -> UUID:
        return index_id("idempotency", scope, key)

    @staticmethod
    def create_id(tenant_id: UUID | None, actor: UUID | None, scope: str, key: str,
                  fingerprint: str, created: list[str]) -> UUID:
        return RequestIndex.id_for(scope, key)

    @event("Claimed")
    def __init__(self, tenant_id: UUID | None, actor: UUID | None, scope: str, key: str,
                 fingerprint: str, created: list[str]) -> None:
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint  # what was asked: a reused key is told apart
        self.created = created  # aggregates the request created; the first is its answer

    @property
    def created_id(self) -> UUID | None:
        return UUID(self.created[0]) if self.created else None


class RequestAlreadyDone(Exception):
    """The request's key was claimed by an earlier (or racing) copy; this one appended
    nothing. Not an IntegrityError: re-running the command must not be tried."""

    def __init__(self, index_id: UUID) -> None:
        super().__init__(str(index_id))
        self.index_id = index_id


@dataclass
class Claim:
    scope: str
    key: str
    fingerprint: str
    actor: UUID | None = None
    saved: bool = False

    @property
    def index_id(self) -> UUID:
        return RequestIndex.id_for(self.scope, self.key)

    def index_for(self, aggregates: Sequence[Aggregate], item: UUID | None = None) -> RequestIndex:
        created = [str(item)] if item is not None else []
        created += [str(a.id) for a in aggregates if _is_new(a)]
        return RequestIndex(tenant_id=None, actor=self.actor, scope=self.scope, key=self.key,
                            fingerprint=self.fingerprint, created=created)


def _is_new(aggregate: Aggregate) -> bool:
    pending = aggregate.pending_events
    return bool(pending) and pending[0].originator_version == type(aggregate).INITIAL_VERSION


_claim: ContextVar[Claim | None] = ContextVar("taolun_request_claim", default=None)


@contextmanager
def claiming(claim: Claim) -> Iterator[Claim]:
    """Saves inside this block carry ``claim`` (the first successful one only)."""
    token = _claim.set(claim)
    try:
        yield claim
    finally:
        _claim.reset(token)


def pending_claim() -> Claim | None:
    claim = _claim.get()
    return claim if claim is not None and not claim.saved else None
