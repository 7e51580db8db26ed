"""Reading the history: a validated filter, one page after a cursor bound to that filter,
or every matching entry in batches (exports stream them, in constant memory)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from django.core import signing
from django.db.models import QuerySet

from taolun.events.kernel import DomainError
from taolun.projections.history.models import HistoryEntry
from taolun.projections.history.projection import HistoryProjection
from taolun.projections.models import OrgNode, PlanRow, UserAccount

ORDERS = ("newest", "oldest")
EVENT_TYPES = frozenset(cls.__qualname__ for cls in HistoryProjection.HANDLERS)
CURSOR_SALT = "taolun.history.cursor"
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class HistoryFilter:
    """What an auditor asked for. ``node_id``: the unit (and, with ``descendants``, every
    unit below it, by the tree's current paths)."""

    node_id: UUID
    descendants: bool = True
    aggregate_id: UUID | None = None
    event_types: tuple[str, ...] = ()
    actor_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    order: str = "newest"
    path: str = field(default="", compare=False)  # the node's path, resolved by the caller

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise DomainError("invalid_order", "排序方式只能是 newest 或 oldest", field="order",
                              allowed=list(ORDERS))
        unknown = sorted(set(self.event_types) - EVENT_TYPES)
        if unknown:
            raise DomainError("unknown_event_type", f"未知的事件类型：{'、'.join(unknown)}",
                              field="event_type", unknown=unknown)
        for name, moment in (("from", self.since), ("to", self.until)):
            if moment is not None:
                check_in_range(name, moment)
        if self.since and self.until and self.since > self.until:
            raise DomainError("invalid_time_range", "起始时间晚于结束时间", field="from",
                              since=self.since.isoformat(), until=self.until.isoformat())

    def described(self) -> dict[str, Any]:
        """The filter as JSON (what a read records, and what a cursor is bound to)."""
        values = asdict(self)
        values.pop("path")
        return {k: (v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, UUID)
                    else list(v) if isinstance(v, tuple) else v) for k, v in values.items()}

    @property
    def digest(self) -> str:
        text = json.dumps(self.described(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_in_range(name: str, moment: datetime) -> None:
    """A time the database can compare (in UTC: year 1 to 9999)."""
    try:
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise DomainError("time_out_of_range", "时间超出范围", field=name) from None


def matching(f: HistoryFilter) -> QuerySet:
    rows = HistoryEntry.objects.all()
    if f.descendants:
        rows = rows.filter(unit_id__in=OrgNode.objects.filter(path__under=f.path).values("id"))
    else:
        rows = rows.filter(unit_id=f.node_id)
    if f.aggregate_id:
        rows = rows.filter(aggregate_id=f.aggregate_id)
    if f.event_types:
        rows = rows.filter(event_type__in=f.event_types)
    if f.actor_id:
        rows = rows.filter(actor_id=f.actor_id)
    if f.since:
        rows = rows.filter(recorded_at__gte=f.since)
    if f.until:
        rows = rows.filter(recorded_at__lte=f.until)
    return rows.order_by("-position" if f.order == "newest" else "position")


def _after(rows: QuerySet, f: HistoryFilter, position: int | None) -> QuerySet:
    if position is None:
        return rows
    return rows.filter(position__lt=position) if f.order == "newest" else rows.filter(position__gt=position)


def make_cursor(f: HistoryFilter, position: int) -> str:
    return signing.dumps({"q": f.digest, "p": position}, salt=CURSOR_SALT, compress=True)


def read_cursor(f: HistoryFilter, cursor: str | None) -> int | None:
    """The position a cursor continues after; ``invalid_cursor`` for one this server did not
    make, ``cursor_mismatch`` for one made for another filter."""
    if not cursor:
        return None
    try:
        content = signing.loads(cursor, salt=CURSOR_SALT)
        digest, position = content["q"], int(content["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError("invalid_cursor", "翻页游标无效", field="cursor") from None
    if digest != f.digest:
        raise DomainError("cursor_mismatch", "翻页游标属于另一个查询，请从第一页重新开始", field="cursor")
    return position


def page(f: HistoryFilter, cursor: str | None, limit: int) -> tuple[list[HistoryEntry], str | None]:
    """One page after ``cursor``, and the cursor of the next page (``None`` on the last)."""
    rows = list(_after(matching(f), f, read_cursor(f, cursor))[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, make_cursor(f, rows[-1].position) if more else None


def every(f: HistoryFilter) -> Iterator[list[HistoryEntry]]:
    """Every matching entry, a batch at a time (keyset: no offset, no open server cursor)."""
    position = None
    while True:
        batch = list(_after(matching(f), f, position)[:EXPORT_BATCH])
        if not batch:
            return
        yield batch
        position = batch[-1].position


# Data fields that name a unit, a plan (or campaign), a user: shown by name.
UNIT_FIELDS = frozenset({"node_id", "parent_id", "new_parent_id", "old_parent_id", "child_id", "unit_id",
                         "for_unit", "subject_id"})
PLAN_FIELDS = frozenset({"plan_id", "campaign_id", "subject_id"})
USER_FIELDS = frozenset({"user_id", "by"})


@dataclass(frozen=True)
class Names:
    units: dict[UUID, str]
    actors: dict[UUID, str]
    plans: dict[UUID, str] = field(default_factory=dict)

    def of_field(self, name: str, value: Any) -> str | None:
        """The name of what a data field's id points at, if it is known."""
        try:
            key = UUID(str(value))
        except ValueError:
            return None
        if name in UNIT_FIELDS and key in self.units:
            return self.units[key]
        if name in PLAN_FIELDS and key in self.plans:
            return self.plans[key]
        if name in USER_FIELDS:
            return self.actors.get(key)
        return None


def _ids(rows: list[HistoryEntry], fields: frozenset[str]) -> set[UUID]:
    found = set()
    for row in rows:
        for name in fields & row.data.keys():
            try:
                found.add(UUID(str(row.data[name])))
            except ValueError:
                continue
    return found


def names_of(rows: list[HistoryEntry]) -> Names:
    """The current names of the units, people and plans ``rows`` mention (three queries)."""

    unit_ids = {r.unit_id for r in rows if r.unit_id} | _ids(rows, UNIT_FIELDS)
    actor_ids = {r.actor_id for r in rows if r.actor_id} | _ids(rows, USER_FIELDS)
    plan_ids = _ids(rows, PLAN_FIELDS)
    return Names(
        dict(OrgNode.objects.filter(pk__in=unit_ids).values_list("id", "name")),
        dict(UserAccount.objects.filter(pk__in=actor_ids).values_list("id", "name")),
        dict(PlanRow.objects.filter(pk__in=plan_ids).values_list("id", "title")) if plan_ids else {},
    )
