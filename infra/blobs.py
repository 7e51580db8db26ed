"""Evidence files, stored content-addressed by sha256 under ``TAOLUN_DATA_DIR/blobs``.

``<blobs>/<aa>/<bb>/<sha256>``; a file is written to a temporary name and renamed into
place, so a crash never leaves half a blob under its address, and storing the same content
twice is one file. The type and the size limit are taolun.events.uploads'.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from taolun.events.kernel import DomainError
from taolun.events.uploads import HEAD_BYTES, MAX_EVIDENCE_BYTES, MIB, sniff, zip_kind

_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: object) -> bool:
    """Exactly 64 lowercase hex characters: the only text that may become a blob's path
    (anything else, e.g. a 64-character absolute path, never reaches the filesystem)."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TooLarge(DomainError):
    status = 413


class UnsupportedType(DomainError):
    status = 415


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    content_type: str
    filename: str

    def ref(self) -> dict:
        return {"sha256": self.sha256, "size": self.size, "content_type": self.content_type,
                "filename": self.filename}


def evidence_kind(head: bytes, path: Path) -> str | None:
    """The evidence type of a stored file (one of CONTENT_TYPES), or ``None``."""
    kind = sniff(head)
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as z:
                kind = zip_kind(z.namelist())
        except zipfile.BadZipFile:
            return None
    return kind if kind in CONTENT_TYPES else None


def safe_filename(name: str) -> str:
    """A stored filename fit for Content-Disposition: no control characters, no bidi
    overrides/isolates or other format characters ("invoice\u202Efdp.exe")."""
    cleaned = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    return cleaned.strip()[:255]


class BlobStore:
    def __init__(self, root: Path, max_bytes: int = MAX_EVIDENCE_BYTES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _receipt(self, sha256: str, uploader: object) -> Path:
        return self.root / "receipts" / sha256[:2] / sha256 / str(uploader)

    def exists(self, sha256: str) -> bool:
        return is_sha256(sha256) and self.path(sha256).is_file()

    def uploaded_by(self, sha256: str, uploader: object) -> bool:
        """Whether ``uploader`` stored this blob (a receipt per uploader, kept beside the
        blobs: citing evidence needs one, or a visible object that already cites it)."""
        return self.exists(sha256) and self._receipt(sha256, uploader).is_file()

    def open(self, sha256: str) -> tuple[BinaryIO, int, str] | None:
        """The stored blob (an open binary file, its size, its content type by magic bytes),
        or ``None`` when there is none at that address."""
        if not is_sha256(sha256):
            return None
        path = self.path(sha256)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return None
        kind = evidence_kind(handle.read(HEAD_BYTES), path)
        handle.seek(0)
        return handle, path.stat().st_size, CONTENT_TYPES.get(kind or "", "application/octet-stream")

    def put(self, chunks: Iterable[bytes], filename: str, uploader: object = None) -> Blob:
        """Store a stream, with a receipt for ``uploader``; 413 ``evidence_too_large`` /
        415 ``unsupported_evidence_type`` (nothing is kept then)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                head = b""
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge(
                            "evidence_too_large",
                            f"佐证材料不能超过 {self.max_bytes // MIB} MB",
                            limit_bytes=self.max_bytes,
                        )
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            kind = evidence_kind(head, tmp)
            if kind is None:
                raise UnsupportedType(
                    "unsupported_evidence_type", "佐证材料只接受 JPEG、PNG、PDF、DOCX、XLSX 文件",
                    allowed=sorted(CONTENT_TYPES),
                )
            sha = digest.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            if uploader is not None:
                receipt = self._receipt(sha, uploader)
                receipt.parent.mkdir(parents=True, exist_ok=True)
                receipt.touch()
            return Blob(sha, size, CONTENT_TYPES[kind], filename or f"{sha[:12]}.{kind}")
        finally:
            tmp.unlink(missing_ok=True)


def blob_store() -> BlobStore:
    from django.conf import settings

    return BlobStore(settings.CONFIG.blob_dir)
