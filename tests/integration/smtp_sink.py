"""An aiosmtpd handler for the tests' SMTP server process: every message received is
written as it arrived (bytes) to a folder given on the command line.

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c tests.integration.smtp_sink.Sink FOLDER
"""

from __future__ import annotations

import itertools
from pathlib import Path


class Sink:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self.count = itertools.count(1)

    @classmethod
    def from_cli(cls, parser, *args: str) -> "Sink":
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        path = self.folder / f"{next(self.count):04d}.eml"
        path.with_suffix(".tmp").write_bytes(envelope.original_content or envelope.content)
        path.with_suffix(".tmp").rename(path)  # complete files only
        return "250 Message accepted for delivery"
