"""Django settings, all derived from the TAOLUN_* environment (taolun.infra.config)."""

from __future__ import annotations

import hashlib

from taolun.infra.config import DB_CONNECT_TIMEOUT_SECONDS, DB_POOL_WAIT_SECONDS, load_config

CONFIG = load_config()

BASE_DIR = CONFIG.data_dir
DEBUG = CONFIG.debug
# Embedded default: a key derived from the data dir, stable across restarts of one install.
SECRET_KEY = CONFIG.secret_key or hashlib.sha256(
    f"taolun-embedded:{CONFIG.data_dir}".encode()
).hexdigest()
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "taolun.projections",
    "taolun.projections.history",
    "taolun.projections.chain",
    "taolun.projections.as_of",
    "taolun.notifications",
    "taolun.notifications.reports",
    "taolun.platform.api",
    "taolun.platform.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # nosniff, Referrer-Policy, COOP
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # X-Frame-Options: DENY
    "taolun.platform.security.SecurityHeadersMiddleware",  # Content-Security-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "taolun.platform.language.LanguageMiddleware",  # ?lang= or Accept-Language
    "taolun.platform.api.middleware.ApiErrorsMiddleware",
    "taolun.platform.api.time_travel.AsOfMiddleware",  # ?as_of= where no read travels: 422
    # Pages: a session cookie (Secure on HTTPS) and CSRF on every form (the language chosen on
    # a page is the cookie LanguageMiddleware reads through Django's negotiation).
    "taolun.platform.web.session.SecureCookiesOnHttpsMiddleware",  # outside: sees every cookie
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "taolun.platform.security.JsonObjectBodyMiddleware",
    "taolun.platform.api.middleware.IdempotencyMiddleware",
    # Last, so that a database outage in a view is its 503 before anything else maps it.
    "taolun.platform.outage.OutageMiddleware",
]

ROOT_URLCONF = "taolun.platform.urls"
WSGI_APPLICATION = "taolun.platform.wsgi.application"

if CONFIG.database.is_postgres:
    _db = CONFIG.database
    DATABASES = {
        "default": {
            "ENGINE": "taolun.infra.postgresql",
            "NAME": _db.name,
            "HOST": _db.host,
            "PORT": _db.port,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "OPTIONS": {
                "connect_timeout": DB_CONNECT_TIMEOUT_SECONDS,
                "pool": {"min_size": 2, "max_size": 12, "timeout": DB_POOL_WAIT_SECONDS},
            },
            # Pooled connections are checked before use, so that after a restart of
            # PostgreSQL the dead ones are replaced instead of failing a request each: by
            # this backend, which asks the server only when the socket says the connection
            # may be gone (Django's CONN_HEALTH_CHECKS would on every request).
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": CONFIG.database.name,
            "OPTIONS": {
                # WAL lets readers run while the projection writes; IMMEDIATE avoids the
                # deadlock of two readers upgrading to writers at once.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # Each thread keeps its connection between requests: opening one (and its
            # PRAGMAs) cost more than a cached read itself. Recycled after ten minutes.
            "CONN_MAX_AGE": 600,
        }
    }

# Time travel's scratch (projections/as_of/scratch.py): the read models replayed up to a
# past moment, in memory, one private database per "as of" thread; never migrated.
DATABASES["as_of"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}

CACHES = {
    "default": (
        {
            "BACKEND": "taolun.infra.redis_cache.RedisCache",
            "LOCATION": CONFIG.cache_url,
            # An unreachable cache fails fast; throttling then counts per process
            # (taolun.platform.api.throttling) instead of holding the request.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            # Installations sharing a Redis keep their own counters (as their own queues).
            "KEY_PREFIX": CONFIG.queue,
        }
        if CONFIG.cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "taolun"}
    )
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {},
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        # platform/ is a namespace portion, not an app, so its templates are named here.
        "DIRS": [str(__import__("pathlib").Path(__file__).resolve().parent / "jinja2")],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "taolun.platform.pages.jinja_environment"},
    },
]

# Pages sign in with e-mail and password (argon2); the API keeps its bearer tokens.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
CSRF_FAILURE_VIEW = "taolun.platform.web.views.errors.csrf_failure"

USE_TZ = True
TIME_ZONE = CONFIG.time_zone
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
# Shipped in the package (and the wheel): .po sources with their compiled .mo beside them.
LOCALE_PATHS = [str(__import__("pathlib").Path(__file__).resolve().parent / "locale")]

STATIC_URL = "/static/"
# Serve the API docs' own assets (swagger-ui ships inside django-ninja): no CDN, no
# collectstatic step on a fresh machine.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bodies above this answer 413 before anything is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "taolun.platform.api.listing.BoundedPagination"
NINJA_DEFAULT_THROTTLE_RATES = {"auth": "6000/min", "user": "6000/min", "anon": "600/min"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "taolun": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
