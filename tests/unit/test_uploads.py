"""One sniffer and one size limit per kind of upload (taolun.events.uploads), used by the
evidence store and the plan importer alike."""

from __future__ import annotations

import io
import zipfile

import pytest

from taolun.events import uploads
from taolun.events.plan_import import ImportRejected, read_document
from taolun.infra.blobs import BlobStore, TooLarge, UnsupportedType


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("head, kind", [
    (b"\xff\xd8\xff\xe0rest", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-1.7", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"MZ\x90\x00", "executable"),
    (b"\xd0\xcf\x11\xe0", "ole"),
    ("关于开展大讨论活动的实施方案".encode(), None),
    (b"MZ is how the text starts, and text has no NUL", None),
    (b"BMW: a plain text line", None),
])
def test_a_file_is_known_by_its_first_bytes_never_by_its_name(head, kind):
    assert uploads.sniff(head) == kind


def test_an_office_container_is_known_by_its_members():
    assert uploads.zip_kind(["[Content_Types].xml", "word/document.xml"]) == "docx"
    assert uploads.zip_kind(["[Content_Types].xml", "xl/workbook.xml"]) == "xlsx"
    assert uploads.zip_kind(["notes.txt"]) is None


def test_the_importer_and_the_evidence_store_agree_on_what_a_word_document_is(tmp_path):
    document = zipped("[Content_Types].xml", "word/document.xml")
    spreadsheet = zipped("[Content_Types].xml", "xl/workbook.xml")
    store = BlobStore(tmp_path)
    assert store.put([document], "a.docx").content_type.endswith("wordprocessingml.document")
    assert store.put([spreadsheet], "a.xlsx").content_type.endswith("spreadsheetml.sheet")
    # The importer takes the document (it is then too thin to read), refuses the spreadsheet.
    with pytest.raises(ImportRejected) as thin:
        read_document(document, "a.docx")
    assert thin.value.code == "corrupt_docx"
    with pytest.raises(ImportRejected) as sheet:
        read_document(spreadsheet, "a.xlsx")
    assert sheet.value.code == "not_a_document"


def test_each_kind_of_upload_is_held_to_its_own_limit(tmp_path):
    with pytest.raises(TooLarge):
        BlobStore(tmp_path).put([b"%PDF-" + b"0" * uploads.MAX_EVIDENCE_BYTES], "big.pdf")
    with pytest.raises(ImportRejected) as big:
        read_document(b"x" * (uploads.MAX_IMPORT_BYTES + 1), "big.txt")
    assert big.value.code == "too_large" and big.value.details["limit"] == uploads.MAX_IMPORT_BYTES
    # The HTTP body cap leaves room for the largest file plus its multipart envelope.
    assert uploads.MAX_MULTIPART_BODY_BYTES > max(uploads.MAX_EVIDENCE_BYTES, uploads.MAX_IMPORT_BYTES)


def test_an_executable_is_neither_evidence_nor_a_plan(tmp_path):
    exe = b"MZ\x90\x00" + bytes(600)
    with pytest.raises(UnsupportedType):
        BlobStore(tmp_path).put([exe], "virus.exe")
    with pytest.raises(ImportRejected) as refused:
        read_document(exe, "virus.exe")
    assert refused.value.code == "not_a_document"
