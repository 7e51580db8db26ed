"""Process-wide singleton locks (e.g. one scheduler): PostgreSQL advisory lock or a file lock."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import psycopg

from taolun.infra.config import Config

LOCK_KEYS = {"scheduler": 0x7A0_1C0}


class SingletonLock:
    def __init__(self, config: Config, name: str) -> None:
        self.config, self.name = config, name
        self._conn: psycopg.Connection | None = None
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        db = self.config.database
        if db.is_postgres:
            self._conn = psycopg.connect(
                dbname=db.name, host=db.host, port=db.port, user=db.user,
                password=db.password, autocommit=True,
            )
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (LOCK_KEYS[self.name],)
            ).fetchone()
            if not row or not row[0]:
                self.release()
                return False
            return True
        path = Path(self.config.data_dir) / f"{self.name}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()  # the session's advisory lock goes with it
            self._conn = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
