"""Why an uploaded file was refused, as a domain error with a stable code and HTTP status."""

from __future__ import annotations

from typing import Any

from taolun.events.kernel import DomainError

# The API maps ``status`` to the HTTP answer; codes are part of the public contract.
_STATUS = {
    "empty_document": 400,
    "too_large": 413,
    "not_a_document": 415,
    "corrupt_docx": 400,
    "unknown_encoding": 400,
}


class ImportRejected(DomainError):
    """The bytes cannot be read as a plan document. Nothing was parsed or stored."""

    status = 400

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(code, message, **details)
        # Per-instance status: one class, several codes with different HTTP answers.
        self.status = _STATUS.get(code, 400)
