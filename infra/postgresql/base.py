"""Django's PostgreSQL backend, checking a pooled connection without a round trip
(``taolun.infra.pg_liveness``): Django's CONN_HEALTH_CHECKS would ask the server on every
request. As in the event store's pool (``PoolCheck``), a dead connection means a restart
killed the pool's others too: they are all checked at once and the dead replaced.
"""

from __future__ import annotations

from django.db.backends.postgresql import base

from taolun.infra.pg_liveness import check_connection


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        pool = self.pool
        if pool is None:
            return connection
        try:
            check_connection(connection)
        except Exception:  # noqa: BLE001 - any failure of the check: the connection is gone
            connection.close()  # so the pool drops it
            pool.putconn(connection)
            pool.check()
            connection = super().get_new_connection(conn_params)
        return connection
