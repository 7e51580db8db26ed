"""Values as JSON stores and answers them: UUIDs as strings, whole Decimals as ints.

Used where read models store event values in JSON columns and where the API answers them,
so that both show a value the same way (``1.5`` hours, never ``"1.50"``).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from django.core.serializers.json import DjangoJSONEncoder


def number(value: Any) -> Any:
    """A Decimal as an int when whole, else a float; anything else unchanged."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def jsonable(value: Any) -> Any:
    """``value`` with every dict key a string, tuples as lists, Decimals and UUIDs converted."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, UUID):
        return str(value)
    return value


_DUMPS_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _as_json(value: Any) -> Any:
    """What orjson leaves to us: Decimals as :func:`number`; times as Django's JSON encoder
    writes them (the format JSON columns have always held)."""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, (datetime, date, time)):
        return DjangoJSONEncoder().default(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    """``value`` as the text of a JSON column: :func:`jsonable`'s conversions (UUIDs as
    strings, Decimals as numbers, tuples as lists, keys as strings), times as Django writes
    them. One pass in orjson instead of a copy in Python and ``json.dumps``; an integer
    beyond 64 bits falls back to the slow path with the same result."""
    try:
        return orjson.dumps(value, default=_as_json, option=_DUMPS_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(jsonable(value), cls=DjangoJSONEncoder, ensure_ascii=False)

