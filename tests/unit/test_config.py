"""Configuration from the environment."""

import re
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


def test_the_settings_added_later_have_their_documented_defaults_and_can_be_set(tmp_path):
    config = load_config({"TAOLUN_DATA_DIR": str(tmp_path)})
    assert (config.throttle_rate, config.auth_failures_per_minute, config.import_previews_per_minute,
            config.import_timeout_seconds) == ("6000/min", 30, 30, 20.0)
    tuned = load_config({"TAOLUN_THROTTLE_RATE": "5/min", "TAOLUN_AUTH_FAILURES_PER_MINUTE": "5",
                         "TAOLUN_IMPORT_PREVIEWS_PER_MINUTE": "12", "TAOLUN_IMPORT_TIMEOUT_SECONDS": "3"})
    assert (tuned.throttle_rate, tuned.auth_failures_per_minute, tuned.import_previews_per_minute,
            tuned.import_timeout_seconds) == ("5/min", 5, 12, 3.0)


PACKAGE = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("platform", "tenants", "events", "projections", "notifications", "infra")
# A read of the environment naming a TAOLUN_ variable: environ.get("TAOLUN_…"),
# environ["TAOLUN_…"], getenv("TAOLUN_…"), or env.get(…) on a copy of it.
ENV_READ = re.compile(r"""(?:environ\s*(?:\.get\s*\(|\[)|getenv\s*\(|env\.get\s*\()\s*f?["']TAOLUN_""")


def env_reads_outside_the_settings_module() -> list[str]:
    found = []
    for folder in SOURCE_FOLDERS:
        for source in sorted((PACKAGE / folder).rglob("*.py")):
            if source == PACKAGE / "infra" / "config.py":
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if ENV_READ.search(line):
                    found.append(f"{source.relative_to(PACKAGE)}:{number}: {line.strip()}")
    return found


def test_every_taolun_variable_is_read_in_the_settings_module_only():
    assert env_reads_outside_the_settings_module() == []


def test_the_env_read_check_would_see_a_stray_read():
    for line in ('x = os.environ.get("TAOLUN_X", "1")', "os.environ['TAOLUN_X']", 'os.getenv("TAOLUN_X")'):
        assert ENV_READ.search(line), line
    assert not ENV_READ.search('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")')


def test_every_variable_the_settings_module_reads_is_in_the_readme_table():
    read = set(re.findall(r"""env\.get\(\s*["'](TAOLUN_\w+)""", (PACKAGE / "infra" / "config.py").read_text()))
    readme = (PACKAGE / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(TAOLUN_\w+)` \|", readme, flags=re.MULTILINE))
    assert read and read == documented


def test_a_fake_today_must_be_a_date_and_the_scheduler_intervals_are_read():
    tuned = load_config({"TAOLUN_FAKE_TODAY": "2030-02-28", "TAOLUN_REMINDER_SCAN_SECONDS": "2",
                         "TAOLUN_DELIVERY_SECONDS": "1"})
    assert (tuned.fake_today, tuned.reminder_scan_seconds, tuned.delivery_seconds) == ("2030-02-28", 2, 1)
    assert load_config({}).fake_today == ""
    with pytest.raises(ValueError, match="TAOLUN_FAKE_TODAY"):
        load_config({"TAOLUN_FAKE_TODAY": "next tuesday"})
