"""Django's PostgreSQL backend, checking a pooled connection without a round trip.

Django's CONN_HEALTH_CHECKS makes the pool send an empty query on every checkout: a round
trip per request, a third of a cached read. A connection the server has closed (a
restart, an idle timeout, ``pg_terminate_backend``) has the server's goodbye or an end of
file waiting on its socket, while an idle live one has nothing to read. So the socket is
polled without waiting, and only when something is there does the real check run; a dead
connection is closed, which makes the pool drop it, and the next one is taken.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        pool = self.pool
        # Every pooled connection may be dead after a restart; then the pool makes new ones.
        for _ in range(pool.max_size + 1 if pool else 0):
            connection = super().get_new_connection(conn_params)
            if alive(connection):
                return connection
            connection.close()
            pool.putconn(connection)
        return super().get_new_connection(conn_params)


def alive(connection) -> bool:
    if connection.closed:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    if not poller.poll(0):
        return True  # nothing from the server while idle: still there
    try:
        ConnectionPool.check_connection(connection)
    except Exception:  # noqa: BLE001 - any failure of the check means the connection is gone
        return False
    return True
