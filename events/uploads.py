"""What an uploaded file is and how large it may be: one home for every upload.

A file's type is decided by its magic bytes (zip containers by their members), never by its
name or the client's Content-Type. Each kind of upload has one size limit, defined here;
the HTTP layer derives its body cap for multipart requests from them.
"""

from __future__ import annotations

from collections.abc import Iterable

MIB = 1024 * 1024
MAX_EVIDENCE_BYTES = 20 * MIB  # an evidence file (POST /evidence)
MAX_IMPORT_BYTES = 10 * MIB  # a 实施方案 document to import or preview (API, page, CLI)
# A multipart body may carry the largest file plus its envelope and form fields.
MAX_MULTIPART_BODY_BYTES = max(MAX_EVIDENCE_BYTES, MAX_IMPORT_BYTES) + 5 * MIB

# (magic bytes, kind, what to call it in a message). "zip" is a container: its members
# tell what it holds (``zip_kind``).
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "jpeg", "JPEG 图片"),
    (b"\x89PNG\r\n\x1a\n", "png", "PNG 图片"),
    (b"GIF8", "gif", "GIF 图片"),
    (b"%PDF-", "pdf", "PDF 文件"),
    (b"PK\x03\x04", "zip", "ZIP 压缩包"),
    (b"PK\x05\x06", "zip", "ZIP 压缩包"),  # an empty archive
    (b"\xd0\xcf\x11\xe0", "ole", "旧版 Word（.doc）或其他 OLE 文件"),
    (b"\x7fELF", "executable", "可执行文件"),
    (b"MZ", "executable", "可执行文件"),
    (b"\x1f\x8b", "gzip", "GZIP 压缩包"),
    (b"Rar!", "rar", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z", "7z 压缩包"),
    (b"BM", "bmp", "BMP 图片"),
)
LABELS = {kind: label for _, kind, label in _MAGIC} | {"docx": "Word 文档", "xlsx": "Excel 表格"}
# How many leading bytes ``sniff`` needs (the MZ check looks for a NUL in the first 512).
HEAD_BYTES = 512


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes, or ``None`` (plain text, or unknown). "MZ"
    and "BM" open ordinary text too ("MZ…", "BMW…"): they count only with a NUL byte soon
    after, as a binary file has."""
    for magic, kind, _ in _MAGIC:
        if head.startswith(magic):
            if magic in (b"MZ", b"BM") and b"\x00" not in head[:HEAD_BYTES]:
                continue
            return kind
    return None


def zip_kind(member_names: Iterable[str]) -> str | None:
    """What an Office Open XML container holds, by its members: "docx", "xlsx" or ``None``."""
    names = set(member_names)
    if "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None
