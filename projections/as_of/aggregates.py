"""One aggregate as of a moment: its version then, and the events between two moments.

Read from the write side's own event store (the application's repository), not from a
projection: an aggregate's events carry their time, so its version at a moment is the
last event timed at or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

# Attributes every event carries that name no item of the aggregate.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "tenant_id", "actor"})


@dataclass(frozen=True)
class Change:
    """One event of an aggregate, as an audit shows it."""

    version: int
    at: datetime
    actor: UUID | None
    kind: str  # the event's class name, e.g. "TopicRevised"
    items: frozenset[str]  # the ids of the items it names (topic_id, phase_id, …)


def history(application: Any, aggregate_id: UUID) -> list[Change]:
    """Every event of the aggregate, oldest first (empty: no such aggregate)."""
    out = []
    for event in application.repository.event_store.get(aggregate_id):
        out.append(Change(event.originator_version, event.timestamp, getattr(event, "actor", None),
                          type(event).__name__, frozenset(named_items(event))))
    return out


def named_items(event: Any) -> list[str]:
    """The items an event names: its ``…_id`` attributes (``TopicRevised.topic_id``) and
    the ids of the items it carries whole (``TaskAdded.task``)."""
    found = []
    for key, value in vars(event).items():
        if key in ENVELOPE or value is None:
            continue
        if key.endswith("_id"):
            found.append(str(value))
        elif isinstance(value, dict) and "id" in value:
            found.append(str(value["id"]))
    return found


def version_at(changes: list[Change], when: datetime) -> int | None:
    """The aggregate's version at ``when`` (``None``: it did not exist yet)."""
    version = None
    for change in changes:
        if change.at > when:
            break
        version = change.version
    return version


def between(changes: list[Change], old: int | None, new: int | None) -> list[Change]:
    """The events after version ``old`` up to ``new`` (inclusive)."""
    low, high = old or 0, new or 0
    return [c for c in changes if low < c.version <= high]
