"""Builds the eventsourcing applications on the configured store.

Embedded: one SQLite file under the data dir. Production: PostgreSQL, events in their own
schema (``eventstore``) of the read models' database, with DB functions off so that the
table lock keeps the notification log gap-free for readers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import ConnectionPool as PostgresConnectionPool
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteFactory
from psycopg import sql

from taolun.infra.config import DB_POOL_WAIT_SECONDS, Config
from taolun.infra.pg_liveness import PoolCheck

EVENT_SCHEMA = "eventstore"
DDL_LOCK_KEY = 0x7A6F6C756E  # "taolun" DDL: one process builds the event tables at a time


def event_store_env(config: Config) -> dict[str, str]:
    db = config.database
    if db.is_postgres:
        return {
            "PERSISTENCE_MODULE": "taolun.infra.eventstore:PostgresStoreFactory",
            "POSTGRES_DBNAME": db.name,
            "POSTGRES_HOST": db.host,
            "POSTGRES_PORT": str(db.port),
            "POSTGRES_USER": db.user,
            "POSTGRES_PASSWORD": db.password,
            "POSTGRES_SCHEMA": EVENT_SCHEMA,
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_LOCK_TIMEOUT": "10",
            # The library's default waits 30 s for a connection while PostgreSQL is down.
            "POSTGRES_CONNECT_TIMEOUT": str(DB_POOL_WAIT_SECONDS),
        }
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "taolun.infra.eventstore:SQLiteStoreFactory",
        "SQLITE_DBNAME": str(config.event_store_file),
        "SQLITE_LOCK_TIMEOUT": "20",
    }


class SynchronousNormalPool(SQLiteConnectionPool):
    """The library's SQLite connection pool; every new connection also runs
    ``PRAGMA synchronous=NORMAL``. ``_create_connection`` is the pool's hook for making a
    connection (abstract in the library's ``ConnectionPool``); nothing else is overridden."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection.cursor().execute("PRAGMA synchronous=NORMAL")
        return connection


class SQLiteStoreFactory(SQLiteFactory):
    """The library's SQLite store, with ``synchronous=NORMAL`` on every connection.

    The library puts the file in WAL mode but leaves ``synchronous`` at FULL, an fsync of
    the log on every commit. In WAL mode NORMAL still never corrupts the file; a power cut
    (not a crash of the process) may lose the last commits, exactly as for the read-model
    database, which uses the same setting.

    The one place this project reaches into the library's store: the datastore's pool is
    swapped for a :class:`SynchronousNormalPool` with the same settings, before any
    connection is made. tests/unit/test_sqlite_store.py fails if the library changes this.
    """

    def __init__(self, env) -> None:
        super().__init__(env)
        library_pool = self.datastore.pool
        self.datastore.pool = SynchronousNormalPool(
            db_name=library_pool.db_name, lock_timeout=library_pool.lock_timeout,
            pool_size=library_pool.pool_size, max_overflow=library_pool.max_overflow,
            pool_timeout=library_pool.pool_timeout, max_age=library_pool.max_age,
            pre_ping=library_pool.pre_ping,
        )
        library_pool.close()


class PostgresStoreFactory(PostgresFactory):
    """The library's PostgreSQL store, whose pool checks a connection before lending it
    without a round trip (``taolun.infra.pg_liveness``), so that connections a restart of
    PostgreSQL killed are replaced, all at once. The library's pre-ping would send a query
    each time: a write reads six aggregates, each on a connection of its own.

    As for SQLite, the datastore's pool is swapped for one with the same settings before any
    connection is made; tests/faults/test_database_restarts.py fails if that stops working.
    """

    def __init__(self, env) -> None:
        super().__init__(env)
        library_pool = self.datastore.pool
        check = PoolCheck()
        self.datastore.pool = check.pool = PostgresConnectionPool(
            get_password_func=library_pool.get_password_func,
            connection_class=library_pool.connection_class, kwargs=library_pool.kwargs,
            min_size=library_pool.min_size, max_size=library_pool.max_size, open=False,
            configure=self.datastore.after_connect_func(), timeout=library_pool.timeout,
            max_waiting=library_pool.max_waiting, max_lifetime=library_pool.max_lifetime,
            check=check,
        )


def ensure_event_schema(config: Config) -> None:
    """PostgreSQL: the library creates tables, not schemas."""
    db = config.database
    if not db.is_postgres:
        return
    with psycopg.connect(
        dbname=db.name, host=db.host, port=db.port, user=db.user, password=db.password,
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(EVENT_SCHEMA)))


@contextmanager
def _ddl_lock(config: Config) -> Iterator[None]:
    """PostgreSQL: the applications create their tables when built; processes starting at
    once (web, project, worker, scheduler) would race on that DDL ("tuple concurrently
    updated"), so building them is serialised by an advisory lock."""
    db = config.database
    if not db.is_postgres:
        yield
        return
    with psycopg.connect(
        dbname=db.name, host=db.host, port=db.port, user=db.user, password=db.password,
        autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK_KEY,))


class Applications:
    """The write side, one application per bounded context, sharing one event log."""

    def __init__(self, config: Config, evidence: Any = None) -> None:
        """``evidence``: the evidence store the campaign rules read (the platform's)."""
        with _ddl_lock(config):
            self._build(config, evidence)

    def _build(self, config: Config, evidence: Any) -> None:
        from taolun.events.audit.application import Audit
        from taolun.infra.fast_json import reading_mapper
        from taolun.events.campaigns.application import Campaigns
        from taolun.events.reports.application import Reports
        from taolun.tenants.application import Tenancy

        ensure_event_schema(config)
        env = event_store_env(config)
        # Tenancy keeps its aggregates in a cache that is fast-forwarded from the store on
        # every read (one query for the events after the cached version), so a parent with
        # many children is not rebuilt from its snapshot on every registration; other
        # processes' writes are still seen, since the store stays the truth.
        self.tenancy = Tenancy(env={**env, "AGGREGATE_CACHE_MAXSIZE": "20000"})
        # The campaign rules read the tree from the tenancy application (the write side's
        # own tree, not a projection of it).
        self.campaigns = Campaigns(env=env, org=self.tenancy, evidence=evidence)
        self.reports = Reports(env=env)
        self.audit = Audit(env=env, org=self.tenancy)
        self.recorder = self.tenancy.recorder
        # The projections only decode: they read with orjson (infra/fast_json.py).
        self.mapper = reading_mapper(self.tenancy.mapper)

    def close(self) -> None:
        self.tenancy.close()
        self.campaigns.close()
        self.reports.close()
        self.audit.close()
