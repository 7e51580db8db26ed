"""Shadow tables: a projection rebuilt beside its live tables, then swapped in at once.

A rebuild writes into ``<table>__shadow`` (same columns, keys and indexes as the live
table) while readers keep reading the live one. When the replay is complete, one
transaction drops each live table and renames its shadow into its place (no row copied;
indexes take their live names): readers see the old model or the new one, never a
half-built one. A rebuild that fails drops its shadows and leaves the live tables as they
were. ``--verify`` compares the shadows with the live tables instead of swapping them.

While the shadows are being filled, the models point at them (:func:`pointing_at`): the
projections' own code — the same fold the live runner uses — writes them unchanged. The
pointer is process-wide, so a rebuild runs in its own process (``taolun rebuild``) or, in
tests, while nothing else in the process reads those tables.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models

SUFFIX = "__shadow"


def shadow_name(table: str) -> str:
    return f"{table}{SUFFIX}"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _sqlite_ddl(table: str, indexes: bool = True) -> list[str]:
    """The statements that made ``table`` (and its indexes), renamed for its shadow."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY type = 'index'", [table])
        found = cursor.fetchall()
    statements = []
    for kind, name, sql in found:
        if kind == "table":
            head = re.compile(r'^CREATE TABLE\s+"?' + re.escape(table) + r'"?', re.IGNORECASE)
            statements.append(head.sub(f"CREATE TABLE {_quote(shadow_name(table))}", sql, count=1))
        elif kind == "index" and indexes:
            head = re.compile(r'^(CREATE (?:UNIQUE )?INDEX)\s+"?' + re.escape(name) + r'"?\s+ON\s+"?'
                              + re.escape(table) + r'"?', re.IGNORECASE)
            statements.append(head.sub(
                lambda m: f"{m.group(1)} {_quote(shadow_name(name))} ON {_quote(shadow_name(table))}",
                sql, count=1))
    return statements


def create_shadows(tables: Sequence[str], write_only: Sequence[str] = ()) -> None:
    """Fresh, empty shadows of ``tables`` (an old one left by a crash is dropped first).
    The shadows of ``write_only`` tables — ones the fold never reads — get no index at all:
    the swap copies their rows into the live table, whose indexes are built there."""
    drop_shadows(tables)
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                like = "INCLUDING ALL EXCLUDING INDEXES" if table in write_only else "INCLUDING ALL"
                cursor.execute(f"CREATE TABLE {_quote(shadow_name(table))} (LIKE {_quote(table)} {like})")
            else:
                for statement in _sqlite_ddl(table, indexes=table not in write_only):
                    cursor.execute(statement)


def drop_shadows(tables: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(shadow_name(table))}")


def _indexes(table: str) -> list[tuple[str, str]]:
    """``(name, statement that makes it)`` of every index of ``table`` (on SQLite: those
    with a statement — not the ones SQLite makes for a key and renames with its table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                           "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                           "ORDER BY c.relname", [_quote(table)])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL ORDER BY name", [table])
        return list(cursor.fetchall())


def _shape(statement: str) -> str:
    """An index's statement without its own name and its table's: what two copies of the
    same index (on a table and on its shadow) have in common."""
    return re.sub(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+", r"CREATE \1INDEX ON", statement, flags=re.IGNORECASE)


def _renamed(statement: str, name: str, table: str, new_name: str, new_table: str) -> str:
    head = re.compile(r'^(CREATE (?:UNIQUE )?INDEX)\s+"?' + re.escape(name) + r'"?\s+ON\s+(ONLY\s+)?'
                      r'((?:"?\w+"?\.)?)"?' + re.escape(table) + r'"?', re.IGNORECASE)
    return head.sub(lambda m: f"{m.group(1)} {_quote(new_name)} ON {m.group(3)}{_quote(new_table)}",
                    statement, count=1)


def analyze(tables: Sequence[str]) -> None:
    """Fresh planner statistics for the shadows of ``tables`` (PostgreSQL): a table filled by
    COPY has none, and the queries the replay's last settle makes on it — and, once swapped
    in, the readers' — are planned blind without them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {_quote(shadow_name(table))}")


def index_write_only(tables: Sequence[str]) -> None:
    """Give the shadows of write-only tables the live tables' indexes, once their rows are
    in (one sorted build per index instead of an entry per row), before the swap's
    transaction: readers still read the live tables meanwhile. On SQLite the swap builds
    them instead (an index cannot be renamed there)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            shadow = shadow_name(table)
            for name, statement in _indexes(table):
                cursor.execute(_renamed(statement, name, table, shadow_name(name), shadow))
                if name.endswith("_pkey"):
                    cursor.execute(f"ALTER TABLE {_quote(shadow)} ADD CONSTRAINT {_quote(shadow_name(name))} "
                                   f"PRIMARY KEY USING INDEX {_quote(shadow_name(name))}")


def swap_in(models_: Sequence[type[models.Model]]) -> None:
    """Put each shadow in its live table's place; call it inside the transaction that also
    moves the projection's position. The live table is dropped and the shadow renamed to
    its name: no row is copied. Its indexes (and constraints, and identity sequence) take
    the live ones' names: renamed on PostgreSQL, built again on SQLite (where an index
    cannot be renamed; a WAL reader keeps its snapshot of the old table meanwhile)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for model in models_:
            table, shadow = live_table(model), shadow_name(live_table(model))
            live_indexes, shadow_indexes = _indexes(table), _indexes(shadow)
            sequence = _identity_sequence(cursor, table, model) if postgres else None
            cursor.execute(f"DROP TABLE {_quote(table)}")
            cursor.execute(f"ALTER TABLE {_quote(shadow)} RENAME TO {_quote(table)}")
            if postgres:
                unclaimed = list(shadow_indexes)
                for name, statement in live_indexes:
                    twin = next((n for n, st in unclaimed if _shape(st) == _shape(statement)), None)
                    if twin is None:  # the shadow lacks it: build it
                        cursor.execute(statement)
                        continue
                    unclaimed = [(n, st) for n, st in unclaimed if n != twin]
                    cursor.execute(f"ALTER INDEX {_quote(twin)} RENAME TO {_quote(name)}")
                if sequence is not None:
                    renamed = _identity_sequence(cursor, table, model)
                    if renamed != sequence:
                        cursor.execute(f"ALTER SEQUENCE {renamed} RENAME TO {_quote(sequence.split('.')[-1].strip(chr(34)))}")
                    pk = _quote(model._meta.pk.column)
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({pk}), 1), "
                        f"max({pk}) IS NOT NULL) FROM {_quote(table)}", [_quote(table), model._meta.pk.column])
            else:
                for name, _ in shadow_indexes:
                    cursor.execute(f"DROP INDEX {_quote(name)}")
                for _, statement in live_indexes:
                    cursor.execute(statement)


def _identity_sequence(cursor, table: str, model: type[models.Model]) -> str | None:
    """The qualified name of the sequence numbering ``table``'s auto ids, if it has one."""
    if not isinstance(model._meta.pk, models.AutoField):
        return None
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_quote(table), model._meta.pk.column])
    return cursor.fetchone()[0]


# -- pointing the models at the shadows ---------------------------------------------------

_LIVE: dict[type[models.Model], str] = {}


def live_table(model: type[models.Model]) -> str:
    return _LIVE.get(model, model._meta.db_table)


def _point(model: type[models.Model], table: str) -> None:
    model._meta.db_table = table
    for field in model._meta.concrete_fields:
        field.__dict__.pop("cached_col", None)  # a Col caches its table's name


@contextmanager
def pointing_at_shadows(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """While inside, the ORM reads and writes ``models_`` in their shadow tables."""
    for model in models_:
        _LIVE[model] = model._meta.db_table
        _point(model, shadow_name(model._meta.db_table))
    try:
        yield
    finally:
        for model in models_:
            _point(model, _LIVE.pop(model))


# -- comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSum:
    """A table's row count and a checksum of its content, whatever the rows' order."""

    rows: int
    checksum: str
    digests: frozenset[str]


def compared_columns(model: type[models.Model]) -> list[str]:
    """The columns a rebuild must reproduce: not generated ids, not the time of writing."""
    return [f.column for f in model._meta.concrete_fields
            if not isinstance(f, models.AutoField) and f.name != "updated_at"]


def _canonical_json(value: object) -> str:
    """A JSON column's value with its keys sorted: the live path may build an object key by
    key (in SQL) and a rebuild in one go; the content is what must match, not the order."""
    if isinstance(value, (str, bytes)):
        value = json.loads(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def table_sum(model: type[models.Model], table: str) -> TableSum:
    columns = compared_columns(model)
    by_column = {f.column: f for f in model._meta.concrete_fields}
    json_at = [i for i, c in enumerate(columns) if isinstance(by_column[c], models.JSONField)]
    digests = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)}")
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = None if row[i] is None else _canonical_json(row[i])
                digests.append(hashlib.sha256(repr(tuple(row)).encode()).hexdigest())
    digests.sort()
    total = hashlib.sha256("".join(digests).encode()).hexdigest()
    return TableSum(len(digests), total, frozenset(digests))
