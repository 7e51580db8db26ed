"""Django's PostgreSQL backend, checking a pooled connection without a round trip
(``taolun.infra.pg_liveness``): Django's CONN_HEALTH_CHECKS would ask the server on every
request. A dead connection is closed, which makes the pool drop it, and the next is taken.
"""

from __future__ import annotations

from django.db.backends.postgresql import base

from taolun.infra.pg_liveness import check_connection


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        pool = self.pool
        # Every pooled connection may be dead after a restart; then the pool makes new ones.
        for _ in range(pool.max_size + 1 if pool else 0):
            connection = super().get_new_connection(conn_params)
            try:
                check_connection(connection)
            except Exception:  # noqa: BLE001 - any failure of the check: the connection is gone
                connection.close()
                pool.putconn(connection)
                continue
            return connection
        return super().get_new_connection(conn_params)
