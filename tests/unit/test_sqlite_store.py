"""The embedded event store is the library's SQLite store with one change (synchronous=
NORMAL on every connection, in WAL mode). This fails if the library changes underneath the
adapter in infra/eventstore.py (its pool, its connection hook, its settings)."""

from taolun.events.kernel import RequestIndex, TaolunApplication
from taolun.infra.eventstore import SQLiteStoreFactory, SynchronousNormalPool

NORMAL = 1  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL


def pragma(app: TaolunApplication, name: str):
    with app.factory.datastore.get_connection(commit=False) as connection:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}")
            return cursor.fetchone()[0]


def test_every_connection_of_the_embedded_store_is_wal_with_synchronous_normal(tmp_path):
    app = TaolunApplication(env={
        "PERSISTENCE_MODULE": "taolun.infra.eventstore:SQLiteStoreFactory",
        "SQLITE_DBNAME": str(tmp_path / "events.sqlite3"),
        "SQLITE_LOCK_TIMEOUT": "7",
    })
    try:
        assert isinstance(app.factory, SQLiteStoreFactory)
        pool = app.factory.datastore.pool
        assert isinstance(pool, SynchronousNormalPool)
        assert pool.lock_timeout == 7  # the library's settings carried over
        assert pragma(app, "synchronous") == NORMAL
        assert pragma(app, "journal_mode") == "wal"
        index = RequestIndex(tenant_id=None, actor=None, scope="s", key="k", fingerprint="f", created=[])
        app.save(index)  # and the store still stores
        assert app.repository.get(index.id).key == "k"
    finally:
        app.close()
