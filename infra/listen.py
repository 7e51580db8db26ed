"""Wake the projection runner when PostgreSQL says new events were recorded."""

from __future__ import annotations

import logging

import psycopg
from psycopg import sql

from taolun.infra.config import Config

log = logging.getLogger("taolun.projections")


class EventListener:
    """LISTEN on the event table's channel; ``wait(seconds)`` returns on news or timeout."""

    def __init__(self, config: Config, channel: str) -> None:
        self.config, self.channel = config, channel
        self._conn: psycopg.Connection | None = None

    def _connect(self) -> psycopg.Connection:
        db = self.config.database
        conn = psycopg.connect(
            dbname=db.name, host=db.host, port=db.port, user=db.user, password=db.password,
            autocommit=True,
        )
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        return conn

    def wait(self, seconds: float) -> None:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            for _ in self._conn.notifies(timeout=seconds, stop_after=1):
                pass
        except psycopg.Error as error:  # reconnect next time; the runner polls meanwhile
            log.warning("LISTEN connection lost: %s", error)
            self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
