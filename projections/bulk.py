"""Set-based writes of many model rows, below the ORM's per-row statement building.

``insert_many`` is ``COPY … FROM STDIN`` on PostgreSQL (psycopg 3's ``cursor.copy``) and
one ``executemany`` INSERT on SQLite; ``update_many`` is one ``executemany`` UPDATE. Both
convert values as the fields do (``get_db_prep_save``), with shortcuts for the columns a
projection writes most (UUIDs, plain texts and numbers), so a row reads back the same
whichever way it was written. The live runner's batches and a rebuild use the same two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID

from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from taolun.projections.jsonable import dumps

# Fields whose Python value is already what the database driver takes.
PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _converter(field: models.Field, copy: bool = True) -> Callable[[Any], Any]:
    """The function turning ``field``'s Python value into what the driver writes (``copy``:
    for PostgreSQL's COPY rather than a statement's parameters)."""
    db = connections[DEFAULT_DB_ALIAS]
    postgres = db.vendor == "postgresql"
    if isinstance(field, models.UUIDField):
        if postgres:
            return lambda v: v
        return lambda v: v.hex if isinstance(v, UUID) else field.get_db_prep_save(v, db)
    if isinstance(field, PLAIN) and not field.choices:
        return lambda v: v
    if isinstance(field, models.JSONField) and (copy or not postgres):
        # The text the field would write (``adapt_json_value``), made by orjson; COPY takes
        # jsonb as this text too.
        return lambda v: None if v is None else dumps(v)
    if postgres and isinstance(field, (models.DateTimeField, models.DecimalField)):
        return lambda v: v  # psycopg dumps datetimes (aware) and decimals itself
    if isinstance(field, models.DateTimeField) and db.timezone_name == "UTC":
        # SQLite's ``adapt_datetimefield_value``: UTC, naive, ``str`` (events are stamped
        # in UTC already: no conversion to make).
        def utc_text(v: Any) -> Any:
            if type(v) is datetime and v.tzinfo is dt_timezone.utc:
                return v.replace(tzinfo=None).isoformat(" ")
            if isinstance(v, datetime) and v.tzinfo is not None:
                return str(v.astimezone(dt_timezone.utc).replace(tzinfo=None))
            return field.get_db_prep_save(v, db)
        return utc_text
    if isinstance(field, models.DecimalField):
        # What ``get_db_prep_save`` makes of a Decimal (its precision), without its checks;
        # sqlite3 writes it as text.
        context = field.context
        return lambda v: context.create_decimal(v) if type(v) is Decimal else field.get_db_prep_save(v, db)
    return lambda v: field.get_db_prep_save(v, db)


def _columns(model: type[models.Model], names: Sequence[str] | None) -> list[models.Field]:
    fields = model._meta.concrete_fields
    return list(fields) if names is None else [model._meta.get_field(n) for n in names]


def insert_many(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert ``rows`` (every concrete field, primary keys included) in one set-based write."""
    if not rows:
        return
    names = [f.attname for f in _columns(model, None)]
    insert_tuples(model, names, ([getattr(row, a) for a in names] for row in rows))


def insert_tuples(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows``, each the Python values of the fields ``names`` (attribute names) in
    that order, in one set-based write: for a projection that never needs the rows as model
    instances (building one costs more than writing it)."""
    fields = [model._meta.get_field(n) for n in names]
    convert = [_converter(f) for f in fields]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([c(v) for c, v in zip(convert, row)])
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                               [[c(v) for c, v in zip(convert, row)] for row in rows])


def update_many(model: type[models.Model], rows: Sequence[models.Model], fields: list[str]) -> None:
    """``UPDATE … SET fields WHERE pk`` for each row, as one ``executemany``: Django's
    ``bulk_update`` builds a CASE expression per row and field, which cost more than the
    writes themselves (the profile of the old projection: 60% of a rebuild)."""
    if not rows:
        return
    meta = model._meta
    cols = _columns(model, fields)
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table), ", ".join(f"{quote(c.column)} = %s" for c in cols), quote(meta.pk.column))
    convert = [(c.attname, _converter(c, copy=False)) for c in cols]
    pk = _converter(meta.pk, copy=False)
    params = [[c(getattr(r, a)) for a, c in convert] + [pk(r.pk)] for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# model -> its fields by attribute name (for new_row)
_FIELDS: dict[type[models.Model], dict[str, models.Field]] = {}


def new_row(model: type[models.Model], **values: Any) -> models.Model:
    """A new, unsaved instance of ``model`` holding ``values`` (attribute names), other
    fields at their defaults, made without ``Model.__init__`` (its per-field checks and
    signals cost more than writing the row with :func:`insert_many`, and a replay makes
    hundreds of thousands)."""
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = {f.attname: f for f in model._meta.concrete_fields}
    state = {a: f.get_default() for a, f in fields.items() if a not in values}
    unknown = values.keys() - fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)}")
    row = model.__new__(model)
    row.__dict__.update(state)
    row.__dict__.update(values)
    row._state = models.base.ModelState()
    return row
