"""Settings for the baseline project; the database comes from PLAIN_DATABASE_URL.

The SQLite options copy Taolun's (WAL, synchronous=NORMAL, IMMEDIATE transactions) and the
PostgreSQL ones its pool, so the comparison is about the write path, not the tuning.
"""

import os
from urllib.parse import unquote, urlparse

SECRET_KEY = "plain-orm-bench"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "ninja", "plain_orm"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "plain_orm.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_url = os.environ.get("PLAIN_DATABASE_URL", "sqlite:///plain.sqlite3")
_parsed = urlparse(_url)
if _parsed.scheme in ("postgres", "postgresql"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(_parsed.path.lstrip("/")),
            "HOST": _parsed.hostname or "127.0.0.1",
            "PORT": _parsed.port or 5432,
            "USER": unquote(_parsed.username or "postgres"),
            "PASSWORD": unquote(_parsed.password or ""),
            "OPTIONS": {"pool": {"min_size": 2, "max_size": 12, "timeout": 10}},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _url[len("sqlite:///"):],
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
