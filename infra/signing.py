"""The Ed25519 key that signs the audit chain's checkpoints: kept outside the database, so
that whoever can rewrite the database cannot sign a chain that vouches for the rewrite.

From ``TAOLUN_AUDIT_SIGNING_KEY`` (PEM) if set, else from the key file, created on first
use with mode 0600 (exclusively: two processes starting at once keep one key).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from taolun.infra.config import Config


@dataclass(frozen=True)
class Signer:
    key: Ed25519PrivateKey

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message)

    @property
    def public_key_pem(self) -> str:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the raw public key's SHA-256 (names the key in a checkpoint)."""
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]


def load_signer(config: Config) -> Signer:
    if config.audit_signing_key:
        return Signer(_private_key(config.audit_signing_key.encode(), "TAOLUN_AUDIT_SIGNING_KEY"))
    path = config.signing_key_file
    if not path.exists():
        _create_key_file(path)
    return Signer(_private_key(path.read_bytes(), str(path)))


def _private_key(pem: bytes, source: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{source}: not an Ed25519 private key")
    return key


def _create_key_file(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: a process starting at the
    # same moment never reads a half-written key, and the first link wins.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        temporary.unlink()
