"""What every bounded context shares: domain errors, the event envelope, the application base.

Every event carries ``tenant_id`` (the tree node it belongs to, ``None`` for platform-level
facts such as an operator) and ``actor`` (the user who caused it, ``None`` for the system).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
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

    def save_all(self, *aggregates: Aggregate | None) -> int:
        """Save atomically; answer the last notification id (for read-your-writes)."""
        recordings = self.save(*[a for a in aggregates if a is not None])
        return max((r.notification.id for r in recordings), default=0)


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
                except IntegrityError:
                    if attempt == attempts - 1:
                        raise Conflict(
                            "concurrent_update",
                            "记录已被他人同时修改，请重试",
                        ) from None
            raise AssertionError("unreachable")

        return wrapper

    return decorate
