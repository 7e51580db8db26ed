"""Where generated report files live: content-addressed like evidence (infra/blobs.py), in
their own folder so that a report is never mistaken for an uploaded piece of evidence."""

from __future__ import annotations

from taolun.infra.blobs import BlobStore

MAX_REPORT_BYTES = 200 * 1024 * 1024


def report_files() -> BlobStore:
    from django.conf import settings

    return BlobStore(settings.CONFIG.data_dir / "reports", max_bytes=MAX_REPORT_BYTES)
