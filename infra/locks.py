"""Process-wide singleton locks (e.g. one scheduler): PostgreSQL advisory lock or a file lock.

A PostgreSQL advisory lock belongs to its session: when PostgreSQL restarts (or the
connection drops) the lock is gone and another process may take it. Its holder must ask
``holds()`` before each piece of work and stop — or acquire again — when it answers no.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

import psycopg

from taolun.infra.config import DB_CONNECT_TIMEOUT_SECONDS, Config

log = logging.getLogger("taolun.locks")

LOCK_KEYS = {"scheduler": 0x7A0_1C0}


class SingletonLock:
    def __init__(self, config: Config, name: str) -> None:
        self.config, self.name = config, name
        self._conn: psycopg.Connection | None = None
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        db = self.config.database
        if db.is_postgres:
            try:
                return self._try_advisory_lock(db)
            except psycopg.Error as error:  # PostgreSQL down: not acquired, try later
                log.warning("singleton lock %r not acquired: %s", self.name, error)
                self.release()
                return False
        return self._try_file_lock()

    def _try_advisory_lock(self, db) -> bool:
        self._conn = psycopg.connect(
            dbname=db.name, host=db.host, port=db.port, user=db.user,
            password=db.password, autocommit=True, connect_timeout=DB_CONNECT_TIMEOUT_SECONDS,
            # A half-open connection (server gone without a FIN) is noticed in seconds.
            keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2,
            tcp_user_timeout=10_000,
        )
        row = self._conn.execute(
            "SELECT pg_try_advisory_lock(%s)", (LOCK_KEYS[self.name],)
        ).fetchone()
        if not row or not row[0]:
            self.release()
            return False
        return True

    def _try_file_lock(self) -> bool:
        path = Path(self.config.data_dir) / f"{self.name}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            return False
        return True

    def holds(self) -> bool:
        """Whether this lock is still ours: acquired, and (PostgreSQL) its session alive
        and still holding it."""
        if self._fd is not None:
            return True  # a file lock lasts as long as this process's descriptor
        if self._conn is None:
            return False
        try:
            row = self._conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND classid = %s AND objid = %s AND objsubid = 1",
                divmod(LOCK_KEYS[self.name], 1 << 32),
            ).fetchone()
        except psycopg.Error as error:
            log.warning("singleton lock %r lost with its session: %s", self.name, error)
            self.release()
            return False
        if not row or not row[0]:
            log.warning("singleton lock %r no longer held", self.name)
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()  # the session's advisory lock goes with it
            except psycopg.Error:
                pass  # already broken: the server has dropped the session (and its lock)
            self._conn = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
