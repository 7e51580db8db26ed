"""Configuration from the environment."""

from pathlib import Path

import pytest

from taolun.infra.config import load_config


def test_the_embedded_default_needs_no_environment(tmp_path):
    config = load_config({"TAOLUN_DATA_DIR": str(tmp_path)})
    assert config.database.engine == "sqlite"
    assert Path(config.database.name).parent == tmp_path
    assert config.broker_url == "memory://" and config.time_zone == "Asia/Shanghai"


def test_a_postgres_url_is_understood():
    config = load_config({"TAOLUN_DATABASE_URL": "postgresql://u:p%40ss@db.local:6543/taolun"})
    db = config.database
    assert (db.host, db.port, db.user, db.password, db.name) == ("db.local", 6543, "u", "p@ss", "taolun")


def test_installations_sharing_a_broker_get_their_own_queue():
    a = load_config({"TAOLUN_DATABASE_URL": "postgresql://postgres@127.0.0.1/a", "TAOLUN_BROKER_URL": "redis://x"})
    b = load_config({"TAOLUN_DATABASE_URL": "postgresql://postgres@127.0.0.1/b", "TAOLUN_BROKER_URL": "redis://x"})
    assert a.queue != b.queue and a.queue.startswith("taolun_")
    assert load_config({"TAOLUN_QUEUE": "campus1"}).queue == "campus1"
    assert a.cache_url == "redis://x"  # throttling counters live beside the broker


def test_an_unknown_broker_or_database_is_refused_with_the_variable_named():
    with pytest.raises(ValueError, match="TAOLUN_BROKER_URL"):
        load_config({"TAOLUN_BROKER_URL": "kafka://x"})
    with pytest.raises(ValueError, match="TAOLUN_DATABASE_URL"):
        load_config({"TAOLUN_DATABASE_URL": "mysql://x/y"})


def test_the_outbox_lease_and_the_scheduler_standby_default_to_30_seconds_and_can_be_set(tmp_path):
    config = load_config({"TAOLUN_DATA_DIR": str(tmp_path)})
    assert (config.outbox_lease_seconds, config.scheduler_standby_seconds) == (30.0, 30.0)
    tuned = load_config({"TAOLUN_OUTBOX_LEASE_SECONDS": "5", "TAOLUN_SCHEDULER_STANDBY_SECONDS": "1"})
    assert (tuned.outbox_lease_seconds, tuned.scheduler_standby_seconds) == (5.0, 1.0)
