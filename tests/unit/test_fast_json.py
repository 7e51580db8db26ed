"""The read side's orjson decoder answers exactly what the library's json decoder does."""

from datetime import datetime, timezone
from decimal import Decimal
from uuid import uuid4

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, UUIDAsHex

from taolun.infra.fast_json import OrjsonTranscoder, reading_mapper


def library_transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


def test_decoding_with_orjson_gives_the_same_values_as_the_library():
    library = library_transcoder()
    fast = reading_mapper(Mapper(transcoder=library)).transcoder
    assert isinstance(fast, OrjsonTranscoder)
    value = {
        "id": uuid4(), "at": datetime(2026, 11, 24, 8, 30, 1, 5, tzinfo=timezone.utc), "hours": Decimal("1.25"),
        "roster": [{"name": "张三", "ids": [uuid4(), uuid4()]}, [1, 2.5, None, True]],
        "nested": {"deep": {"deeper": [{"when": datetime(2026, 1, 1, tzinfo=timezone.utc)}]}},
        "not_a_type": {"_type_": 1}, "text": "引号\"与\\反斜杠", "empty": {}, "list": [],
    }
    data = library.encode(value)
    assert fast.decode(data) == library.decode(data) == value


def test_a_document_orjson_refuses_is_decoded_by_the_library():
    library = library_transcoder()
    fast = reading_mapper(Mapper(transcoder=library)).transcoder
    data = library.encode({"big": 2**70, "id": uuid4()})
    assert fast.decode(data) == library.decode(data)
