"""Where generated report files live: content-addressed like evidence (infra/blobs.py), in
their own folder so that a report is never mistaken for an uploaded piece of evidence."""

from __future__ import annotations

from taolun.infra.blobs import BlobStore

MAX_REPORT_BYTES = 200 * 1024 * 1024


def report_files() -> BlobStore:
    from django.conf import settings

    return BlobStore(settings.CONFIG.data_dir / "reports", max_bytes=MAX_REPORT_BYTES)


MAX_PHOTO_BYTES = 10 * 1024 * 1024  # a larger picture is left out of a 简报 rather than bloat it


def evidence_photo(sha256: str) -> bytes | None:
    """An evidence picture's bytes for a document (``None``: not stored, or too large)."""
    from taolun.infra.blobs import blob_store

    opened = blob_store().open(sha256)
    if opened is None:
        return None
    handle, size, _ = opened
    with handle:
        return handle.read() if size <= MAX_PHOTO_BYTES else None
