"""Checkpoints: the scratch's tables dumped at a position, compressed, stored in the live
database (``ViewCheckpoint``), and loaded into a fresh scratch.

The scratch is always SQLite, so a dump is its rows as SQLite gives them (text, numbers,
null; a datetime, date or decimal as the text it is stored as), written back with one ``executemany`` per table: no model instances either way.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from django.utils import timezone

from taolun.projections.as_of.models import ViewCheckpoint
from taolun.projections.as_of.scratch import fingerprint, view_models


@dataclass(frozen=True)
class Dump:
    position: int
    rows: bytes  # compressed


def _tables() -> list[tuple[str, list[str]]]:
    return [(m._meta.db_table, [f.column for f in m._meta.concrete_fields]) for m in view_models()]


def dump(position: int) -> Dump:
    """The current thread's scratch tables (call it inside :func:`in_scratch`)."""
    from django.db import connection

    quote = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table, columns in _tables():
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")
            tables[table] = {"columns": columns, "rows": cursor.fetchall()}
    # SQLite's own converters hand some columns back as datetimes, dates or decimals: written
    # back as the text Django's SQLite adapters store (str() is their format).
    body = json.dumps({"position": position, "tables": tables}, separators=(",", ":"), default=str)
    return Dump(position, zlib.compress(body.encode(), 1))


def load(checkpoint: Dump) -> None:
    """Fill the current thread's (empty) scratch tables from ``checkpoint``."""
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    tables = json.loads(zlib.decompress(checkpoint.rows))["tables"]
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns in _tables():
            saved = tables.get(table)
            if not saved or not saved["rows"]:
                continue
            order = [saved["columns"].index(c) for c in columns]  # same fingerprint: same set
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) VALUES ({marks})",
                [[row[i] for i in order] for row in saved["rows"]],
            )


def nearest(position: int) -> Dump | None:
    """The stored checkpoint at or before ``position`` (live database), or ``None``."""
    row = (ViewCheckpoint.objects.filter(schema=fingerprint(), position__lte=position)
           .order_by("-position").values("position", "rows").first())
    return None if row is None else Dump(row["position"], bytes(row["rows"]))


def save(dumps: list[Dump]) -> None:
    """Store ``dumps`` (live database); one already stored at a position is kept."""
    schema = fingerprint()
    for d in dumps:
        ViewCheckpoint.objects.get_or_create(
            schema=schema, position=d.position,
            defaults={"rows": d.rows, "size": len(d.rows), "taken_at": timezone.now()})


def stored() -> list[dict]:
    return list(ViewCheckpoint.objects.filter(schema=fingerprint()).order_by("position")
                .values("position", "size", "taken_at"))


def drop() -> int:
    """Delete every checkpoint (after a change to a projection's code, say)."""
    return ViewCheckpoint.objects.all().delete()[0]
