"""Whether a pooled PostgreSQL connection is still there, mostly without asking the server.

psycopg_pool's own check (Django's CONN_HEALTH_CHECKS, the event store's pre-ping) sends an
empty query on every checkout: a round trip each time, a third of a cached read and seven
of an activity write's. A connection the server has closed (a restart, an idle timeout,
``pg_terminate_backend``) has the server's goodbye or an end of file waiting on its socket,
while an idle live one has nothing to read. So the socket is polled without waiting, and
only when something is there does the real check run.
"""

from __future__ import annotations

import select

import psycopg
from psycopg_pool import ConnectionPool


def check_connection(connection: psycopg.Connection) -> None:
    """Raises if the connection is gone (a pool's ``check``: the pool then replaces it)."""
    if connection.closed:
        raise psycopg.OperationalError("the connection is closed")
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    if poller.poll(0):  # something from the server while idle: ask it
        ConnectionPool.check_connection(connection)


class PoolCheck:
    """A pool's ``check``: ``check_connection``, and once a connection turns out dead, the
    pool's other idle ones are checked at once (``ConnectionPool.check``: a restart killed
    them all). Left to the pool, a request would meet them one by one, backing off 1, 2,
    4 s… between them, and give up after its timeout with five dead ones in the pool."""

    def __init__(self) -> None:
        self.pool: ConnectionPool | None = None  # set once the pool is made

    def __call__(self, connection: psycopg.Connection) -> None:
        try:
            check_connection(connection)
        except Exception:
            if self.pool is not None:
                self.pool.check()
            raise
