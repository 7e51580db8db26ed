"""Configuration from the environment, with embedded defaults (see README's table).

The one place a ``TAOLUN_*`` variable is read (tests/unit/test_config.py fails on a read
anywhere else in the package): everything else asks ``load_config()`` or Django's
``settings.CONFIG``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse


# PostgreSQL outages: a client gets its 503 within about this long, instead of hanging
# (libpq connect; waiting for a pooled connection, in Django's and the event store's pools).
DB_CONNECT_TIMEOUT_SECONDS = 2
DB_POOL_WAIT_SECONDS = 3


@dataclass(frozen=True)
class Database:
    engine: str  # "sqlite" | "postgresql"
    name: str  # file path for SQLite, database name for PostgreSQL
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""

    @property
    def is_postgres(self) -> bool:
        return self.engine == "postgresql"


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database: Database
    broker_url: str
    secret_key: str
    time_zone: str
    cache_url: str
    debug: bool
    queue: str  # this installation's broker queue
    scheduler_standby_seconds: float = 30.0  # a scheduler without the lock tries again after
    outbox_lease_seconds: float = 30.0  # an unconfirmed outbox row is sent again after
    throttle_rate: str = "6000/min"  # requests per client (token, or address when anonymous)
    auth_failures_per_minute: int = 30  # failed bearer attempts per client IP before 429
    import_previews_per_minute: int = 30  # document parses per client IP
    import_timeout_seconds: float = 20.0  # a document parse is stopped after this
    sign_in_failures_per_account: int = 5  # failed sign-ins before an account is locked …
    sign_in_lock_minutes: int = 15  # … for this long
    as_of_checkpoint_every: int = 20_000  # events between checkpoints of the "as of" views
    # Outgoing e-mail: smtp://[user:password@]host[:port][?from=addr&starttls=1]; empty: none
    smtp_url: str = ""
    # The audit chain (docs/audit.md): the Ed25519 signing key, PEM text from the environment
    # or else a file (created on first use, mode 0600) outside the database …
    audit_signing_key: str = ""
    audit_key_file: Path | None = None
    # … and how often a checkpoint is signed: after this many new events, or this long.
    audit_checkpoint_events: int = 1000
    audit_checkpoint_seconds: float = 300.0
    # Test installations only: "today" of every process, as YYYY-MM-DD (empty: the real one),
    # so an end-to-end test drives a campaign's clock through separate processes.
    fake_today: str = ""
    reminder_scan_seconds: float = 900.0  # the scheduler enqueues the reminder scan this often …
    delivery_seconds: float = 30.0  # … and the outside channels' sending

    @property
    def event_store_file(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def signing_key_file(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit-signing-key.pem"


def parse_database_url(url: str, data_dir: Path) -> Database:
    if not url:
        return Database("sqlite", str(data_dir / "readmodels.sqlite3"))
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return Database(
            "postgresql",
            name=unquote(parsed.path.lstrip("/")) or "postgres",
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password or ""),
        )
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them
        return Database("sqlite", str(Path(url[len("sqlite:///"):]).resolve()))
    raise ValueError(f"TAOLUN_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def default_queue(database: Database) -> str:
    """Named after the database, so installations sharing a Redis or a RabbitMQ never
    consume each other's work (an actor writes to its own installation's database)."""
    identity = (
        f"{database.host}:{database.port}/{database.name}" if database.is_postgres else database.name
    )
    return "taolun_" + hashlib.sha256(identity.encode()).hexdigest()[:12]


def load_config(environ: dict[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("TAOLUN_DATA_DIR") or "./var").resolve()
    broker_url = env.get("TAOLUN_BROKER_URL") or "memory://"
    if not broker_url.startswith(("memory://", "redis://", "rediss://", "amqp://", "amqps://")):
        raise ValueError(f"TAOLUN_BROKER_URL: unsupported broker {broker_url!r}")
    database = parse_database_url(env.get("TAOLUN_DATABASE_URL", ""), data_dir)
    return Config(
        data_dir=data_dir,
        database=database,
        broker_url=broker_url,
        secret_key=env.get("TAOLUN_SECRET_KEY") or "",
        time_zone=env.get("TAOLUN_TIME_ZONE") or "Asia/Shanghai",
        # Throttling and idempotency counters live in the cache: Redis when the broker is.
        cache_url=env.get("TAOLUN_CACHE_URL")
        or (broker_url if broker_url.startswith(("redis://", "rediss://")) else ""),
        debug=env.get("TAOLUN_DEBUG", "") in ("1", "true", "yes"),
        queue=env.get("TAOLUN_QUEUE") or default_queue(database),
        scheduler_standby_seconds=float(env.get("TAOLUN_SCHEDULER_STANDBY_SECONDS") or 30),
        outbox_lease_seconds=float(env.get("TAOLUN_OUTBOX_LEASE_SECONDS") or 30),
        throttle_rate=env.get("TAOLUN_THROTTLE_RATE") or "6000/min",
        auth_failures_per_minute=int(env.get("TAOLUN_AUTH_FAILURES_PER_MINUTE") or 30),
        import_previews_per_minute=int(env.get("TAOLUN_IMPORT_PREVIEWS_PER_MINUTE") or 30),
        import_timeout_seconds=float(env.get("TAOLUN_IMPORT_TIMEOUT_SECONDS") or 20),
        sign_in_failures_per_account=int(env.get("TAOLUN_SIGN_IN_FAILURES_PER_ACCOUNT") or 5),
        sign_in_lock_minutes=int(env.get("TAOLUN_SIGN_IN_LOCK_MINUTES") or 15),
        as_of_checkpoint_every=max(10, int(env.get("TAOLUN_AS_OF_CHECKPOINT_EVERY") or 20_000)),
        smtp_url=smtp_url(env.get("TAOLUN_SMTP_URL", "")),
        audit_signing_key=env.get("TAOLUN_AUDIT_SIGNING_KEY") or "",
        audit_key_file=Path(env["TAOLUN_AUDIT_KEY_FILE"]).resolve() if env.get("TAOLUN_AUDIT_KEY_FILE") else None,
        audit_checkpoint_events=int(env.get("TAOLUN_AUDIT_CHECKPOINT_EVENTS") or 1000),
        audit_checkpoint_seconds=float(env.get("TAOLUN_AUDIT_CHECKPOINT_SECONDS") or 300),
        fake_today=fake_today(env.get("TAOLUN_FAKE_TODAY", "")),
        reminder_scan_seconds=float(env.get("TAOLUN_REMINDER_SCAN_SECONDS") or 900),
        delivery_seconds=float(env.get("TAOLUN_DELIVERY_SECONDS") or 30),
    )


def fake_today(value: str) -> str:
    """``TAOLUN_FAKE_TODAY``, checked at start: a date (YYYY-MM-DD) or empty."""
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"TAOLUN_FAKE_TODAY: expected YYYY-MM-DD, got {value!r}") from None
    return value


def smtp_url(url: str) -> str:
    """``TAOLUN_SMTP_URL``, checked at start: smtp:// or smtps:// with a host, or empty."""
    if url and (urlparse(url).scheme not in ("smtp", "smtps") or not urlparse(url).hostname):
        raise ValueError(f"TAOLUN_SMTP_URL: expected smtp://host:port or smtps://…, got {url!r}")
    return url
