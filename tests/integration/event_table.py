"""The stored events table reached directly, as someone with access to the database would:
sqlite3 on the embedded event store, psycopg on PostgreSQL's ``eventstore`` schema. The
tamper tests change it behind the application's back."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import contextmanager

import psycopg

from taolun.infra.config import Config
from taolun.infra.eventstore import EVENT_SCHEMA


class EventTable:
    def __init__(self, config: Config, table: str) -> None:
        """``table``: the recorder's ``events_table_name``."""
        self.config = config
        self.postgres = config.database.is_postgres
        self.table = f"{EVENT_SCHEMA}.{table}" if self.postgres else table
        self.id = "notification_id" if self.postgres else "rowid"
        self.mark = "%s" if self.postgres else "?"

    @contextmanager
    def _cursor(self):
        if self.postgres:
            db = self.config.database
            with psycopg.connect(dbname=db.name, host=db.host, port=db.port, user=db.user) as conn:
                yield conn.cursor()
        else:
            conn = sqlite3.connect(self.config.event_store_file, timeout=20)
            try:
                with conn:
                    yield conn.cursor()
            finally:
                conn.close()

    def _run(self, statement: str, *params) -> list[tuple]:
        with self._cursor() as cursor:
            cursor.execute(statement.replace("?", self.mark), params)
            return cursor.fetchall() if cursor.description else []

    def rows(self) -> list[tuple]:
        """(id, originator_id, originator_version, topic, state) in log order."""
        return self._run(f"SELECT {self.id}, originator_id, originator_version, topic, state "
                         f"FROM {self.table} ORDER BY {self.id}")

    def restore(self, rows: list[tuple]) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.executemany(
                f"INSERT INTO {self.table} ({self.id}, originator_id, originator_version, topic, state) "
                f"VALUES ({', '.join([self.mark] * 5)})", rows)

    # -- the tampering -------------------------------------------------------------------

    def flip_a_byte(self, position: int) -> None:
        (state,) = self._run(f"SELECT state FROM {self.table} WHERE {self.id} = ?", position)[0]
        state = bytearray(state)
        state[len(state) // 2] ^= 0x01
        self._run(f"UPDATE {self.table} SET state = ? WHERE {self.id} = ?", bytes(state), position)

    def delete(self, position: int) -> None:
        self._run(f"DELETE FROM {self.table} WHERE {self.id} = ?", position)

    def swap(self, first: int, second: int) -> None:
        self._run(f"UPDATE {self.table} SET {self.id} = -1 WHERE {self.id} = ?", first)
        self._run(f"UPDATE {self.table} SET {self.id} = ? WHERE {self.id} = ?", first, second)
        self._run(f"UPDATE {self.table} SET {self.id} = ? WHERE {self.id} = -1", second)

    def insert_before(self, position: int) -> None:
        """A back-dated event put into the log at ``position``: the later ones move up one
        (two steps, so that no two rows hold one id in between). The log keeps its length
        (its last event falls off the end), so no reader in this process sees a new
        position to apply."""
        rows = self.rows()
        _, _, _, topic, state = next(r for r in rows if r[0] == position)
        self.delete(rows[-1][0])
        self._run(f"UPDATE {self.table} SET {self.id} = -({self.id} + 1) WHERE {self.id} >= ?", position)
        self._run(f"UPDATE {self.table} SET {self.id} = -{self.id} WHERE {self.id} < 0")
        originator = uuid.uuid4()
        self._run(f"INSERT INTO {self.table} ({self.id}, originator_id, originator_version, topic, state) "
                  "VALUES (?, ?, ?, ?, ?)", position, originator if self.postgres else originator.hex,
                  1, topic, state.replace(b"20", b"19", 1))

    def truncate_after(self, position: int) -> None:
        self._run(f"DELETE FROM {self.table} WHERE {self.id} > ?", position)
