"""Values as JSON stores and answers them: UUIDs as strings, whole Decimals as ints.

Used where read models store event values in JSON columns and where the API answers them,
so that both show a value the same way (``1.5`` hours, never ``"1.50"``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID


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
