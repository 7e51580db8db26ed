"""Decoding stored events with orjson: what the projections read, several times faster.

The library's ``JSONTranscoder`` decodes with ``json`` and an ``object_hook`` that turns
``{"_type_": ..., "_data_": ...}`` back into UUIDs, datetimes and the like. This one parses
with orjson and applies the same hook to every object, innermost first, as ``json`` does, so
it answers the same values; a document orjson refuses (an integer beyond 64 bits, a
non-finite number) is decoded by the library's own path. Encoding is the library's.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper


class OrjsonTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)
        return self._revive(parsed)

    def _revive(self, value: Any) -> Any:
        if type(value) is dict:
            for key, item in value.items():
                if type(item) is dict or type(item) is list:
                    value[key] = self._revive(item)
            return self._decode_obj(value)
        if type(value) is list:
            return [self._revive(v) if type(v) is dict or type(v) is list else v for v in value]
        return value


def reading_mapper(mapper: Mapper) -> Mapper:
    """A mapper like ``mapper`` (same transcodings, compressor and cipher) that decodes with
    orjson; for the read side, which only decodes."""
    transcoder = OrjsonTranscoder()
    source = mapper.transcoder
    assert isinstance(source, JSONTranscoder)
    transcoder.types, transcoder.names = dict(source.types), dict(source.names)
    return type(mapper)(transcoder=transcoder, compressor=mapper.compressor, cipher=mapper.cipher)
