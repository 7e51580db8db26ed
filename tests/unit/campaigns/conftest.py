"""Fixtures: a ``Campaigns`` application on each persistence module of the library."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from taolun.events.campaigns.application import Campaigns
from tests.unit.campaigns.fakes import Tree, Uploads

POSTGRES = {
    "POSTGRES_DBNAME": os.environ.get("POSTGRES_DBNAME", "postgres"),
    "POSTGRES_HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
    "POSTGRES_PORT": os.environ.get("POSTGRES_PORT", "5432"),
    "POSTGRES_USER": os.environ.get("POSTGRES_USER", "postgres"),
    "POSTGRES_PASSWORD": os.environ.get("POSTGRES_PASSWORD", "postgres"),
}


def _pg_connect() -> psycopg.Connection:
    return psycopg.connect(
        dbname=POSTGRES["POSTGRES_DBNAME"], host=POSTGRES["POSTGRES_HOST"],
        port=POSTGRES["POSTGRES_PORT"], user=POSTGRES["POSTGRES_USER"],
        password=POSTGRES["POSTGRES_PASSWORD"], autocommit=True,
    )


@pytest.fixture(params=["popo", "sqlite", "postgres"])
def persistence(request: pytest.FixtureRequest, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Sets the library's environment for one persistence module (and cleans up after)."""
    for name in ("PERSISTENCE_MODULE", "SQLITE_DBNAME", "POSTGRES_SCHEMA"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "popo":
        yield "popo"
    elif request.param == "sqlite":
        monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.sqlite")
        monkeypatch.setenv("SQLITE_DBNAME", str(tmp_path / "events.sqlite3"))
        yield "sqlite"
    else:
        schema = f"test_campaigns_{uuid.uuid4().hex[:12]}"
        with _pg_connect() as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.postgres")
        for key, value in POSTGRES.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("POSTGRES_SCHEMA", schema)
        try:
            yield "postgres"
        finally:
            with _pg_connect() as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def tree() -> Tree:
    """The organisation tree the application's rules read; each test module fills it."""
    return Tree()


@pytest.fixture
def uploads() -> Uploads:
    return Uploads()


@pytest.fixture
def campaigns(persistence: str, tree: Tree, uploads: Uploads) -> Iterator[Campaigns]:
    app = Campaigns(org=tree, evidence=uploads)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def memory_app(tree: Tree, uploads: Uploads) -> Iterator[Campaigns]:
    """In-memory application for the rule tests."""
    app = Campaigns(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, org=tree, evidence=uploads)
    try:
        yield app
    finally:
        app.close()
