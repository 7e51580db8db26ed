"""The fault suite's own PostgreSQL and Redis (spare ports), shared by its tests: they are
killed and restarted by the tests, so they are never the machine's shared servers."""

from __future__ import annotations

import pytest

from tests.faults.services import PrivatePostgres, PrivateRedis


@pytest.fixture(scope="session")
def private_pg():
    pg = PrivatePostgres().init()  # a missing binary fails here: never a skip
    yield pg
    pg.destroy()


@pytest.fixture(scope="session")
def private_redis():
    redis = PrivateRedis().start()
    yield redis
    redis.destroy()
