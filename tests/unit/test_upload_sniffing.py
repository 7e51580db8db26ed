"""Evidence files are recognised by their bytes: an iPhone's HEIC photo is accepted as
``image/heic`` (by its ISO-BMFF ``ftyp`` brand), other ISO-BMFF files are not."""

import pytest

from taolun.events.uploads import sniff
from taolun.infra.blobs import CONTENT_TYPES, BlobStore, UnsupportedType


def iso_bmff(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.mark.parametrize("brand", [b"heic", b"mif1", b"heix", b"msf1"])
def test_an_iphone_photo_is_recognised_as_heic_by_its_brand(brand):
    assert sniff(iso_bmff(brand)[:16]) == "heic"
    assert CONTENT_TYPES["heic"] == "image/heic"


def test_a_video_in_the_same_container_is_not_taken_for_a_photo():
    assert sniff(iso_bmff(b"isom")[:16]) is None
    assert sniff(iso_bmff(b"mp42")[:16]) is None


def test_the_store_keeps_a_heic_photo_and_serves_it_as_image_heic(tmp_path):
    store = BlobStore(tmp_path)
    blob = store.put([iso_bmff(b"heic")], "IMG_0001.HEIC", uploader="u1")
    assert (blob.content_type, blob.filename) == ("image/heic", "IMG_0001.HEIC")
    handle, size, content_type = store.open(blob.sha256)
    with handle:
        assert (size, content_type) == (len(iso_bmff(b"heic")), "image/heic")


def test_the_store_still_refuses_what_it_does_not_recognise(tmp_path):
    with pytest.raises(UnsupportedType):
        BlobStore(tmp_path).put([iso_bmff(b"mp42")], "clip.mp4")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
