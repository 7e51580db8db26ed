"""Bytes of an uploaded file → text: .docx, or plain text in UTF-8 / GB18030 (GBK)."""

from __future__ import annotations

import io
import zipfile

from taolun.events.uploads import HEAD_BYTES, LABELS, MAX_IMPORT_BYTES, MIB, sniff, zip_kind

from .docx_text import docx_to_text
from .errors import ImportRejected

# A .docx is a zip: its members are checked by their declared (inflated) sizes before one
# byte is inflated; zipfile never inflates a member beyond its declared size. A real plan
# inflates to well under a megabyte; 1.1 MB inflating to 300 MB is a zip bomb.
MAX_INFLATED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# The longest text the parser is given (a long plan is ~50,000 characters).
MAX_TEXT_CHARS = 1_000_000


def read_document(data: bytes, filename: str | None = None) -> str:
    """Answer the document's text, or raise ImportRejected with a stable code."""
    # Size first: a 2 GB upload must not be unzipped or decoded to find out it is too big.
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected(
            "too_large", f"文件过大，最大支持 {MAX_IMPORT_BYTES // MIB} MB", size=len(data),
            limit=MAX_IMPORT_BYTES,
        )
    if not data.strip():
        raise ImportRejected("empty_document", "文件为空，没有可导入的内容")

    is_docx_name = bool(filename) and filename.lower().endswith(".docx")
    kind = sniff(data[:HEAD_BYTES])
    if kind == "zip":
        text = _read_zip(data)
    elif is_docx_name:
        raise ImportRejected("corrupt_docx", "文件扩展名为 .docx，但内容不是有效的 Word 文档")
    elif kind is not None:  # images, PDF, legacy .doc, archives, executables: not decoded into garbage
        raise ImportRejected(
            "not_a_document", f"不支持的文件类型（{LABELS[kind]}），请上传 .docx 或文本文件",
            kind=LABELS[kind],
        )
    else:
        text = _read_text(data)

    if not text.strip():
        raise ImportRejected("empty_document", "文件中没有文字内容")
    if len(text) > MAX_TEXT_CHARS:
        raise ImportRejected(
            "too_large", f"文件文字过多，最多 {MAX_TEXT_CHARS} 个字符", chars=len(text),
            limit=MAX_TEXT_CHARS,
        )
    return text


def _read_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRejected("corrupt_docx", "Word 文档已损坏，无法打开") from None
    inflated = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or inflated > MAX_INFLATED_BYTES:
        raise ImportRejected(
            "too_large", "Word 文档解压后过大（疑似压缩炸弹），无法导入",
            inflated_bytes=inflated, members=len(members), limit=MAX_INFLATED_BYTES,
        )
    if zip_kind(m.filename for m in members) != "docx":
        raise ImportRejected(
            "not_a_document", "该压缩文件不是 Word 文档，请上传 .docx 或文本文件"
        )
    try:
        return docx_to_text(data)
    except Exception as exc:  # python-docx raises many kinds (KeyError, XMLSyntaxError, …)
        raise ImportRejected(
            "corrupt_docx", "Word 文档已损坏，无法读取", reason=type(exc).__name__
        ) from None


def _read_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    head = data[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise ImportRejected("not_a_document", "文件不是文本或 Word 文档，请上传 .docx 或文本文件")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRejected(
            "unknown_encoding", "无法识别文件编码，请另存为 UTF-8 或 GBK 编码后再上传"
        ) from None
    # GB18030 maps almost every byte sequence to something; text in another encoding
    # (Big5, Shift-JIS, Latin-1) tends to land in private-use or rare 4-byte areas.
    if _odd_ratio(text) > 0.02:
        raise ImportRejected(
            "unknown_encoding", "无法识别文件编码，请另存为 UTF-8 或 GBK 编码后再上传"
        )
    return text


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportRejected(
            "unknown_encoding", f"文件声明为 {encoding.upper()} 编码，但内容无法按此编码读取"
        ) from None


def _control_ratio(head: bytes) -> float:
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return controls / max(len(head), 1)


def _odd_ratio(text: str) -> float:
    odd = sum(
        1
        for ch in text
        if "\ue000" <= ch <= "\uf8ff" or ord(ch) > 0xFFFF or "\x80" <= ch <= "\x9f"
    )
    return odd / max(len(text), 1)
