"""Small PNG pictures for the demo's evidence (活动照片, 整改佐证), drawn in code.

A minimal encoder (8-bit RGB, one IDAT, zlib from the standard library) rather than an
imaging library: the demo needs a few hundred bytes of valid PNG per picture, and Taolun has
no image dependency to carry for it.
"""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(width: int, height: int, rows: list[bytes]) -> bytes:
    """A PNG of ``height`` rows of ``width`` RGB pixels (3 bytes each)."""
    if len(rows) != height or any(len(r) != 3 * width for r in rows):
        raise ValueError("rows do not match the size")
    raw = b"".join(b"\x00" + r for r in rows)  # filter type 0 (none) before each row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def picture(seed: str, width: int = 96, height: int = 64) -> bytes:
    """A stand-in photo: a sky-to-ground gradient, a banner and a row of figures, coloured
    from ``seed`` (the same seed gives the same bytes, so the same evidence file)."""
    h = hashlib.sha256(seed.encode()).digest()
    banner = (h[0] | 0x80, h[1] // 3, h[2] // 3)  # a red-ish banner
    rows = []
    for y in range(height):
        shade = 255 - y * 96 // height
        row = bytearray()
        for x in range(width):
            if 8 <= y < 18 and 10 <= x < width - 10:
                px = banner
            elif y >= height * 2 // 3 and (x // 6) % 2 == 0 and y < height - 4:
                px = (h[3 + x // 12 % 8] // 2, h[11 + x // 12 % 8] // 2, 90)  # people
            else:
                px = (shade * 3 // 4, shade * 7 // 8, shade)
            row += bytes(px)
        rows.append(bytes(row))
    return encode_png(width, height, rows)
