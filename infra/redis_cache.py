"""Django's Redis cache, with its clients made once and ``incr`` one round trip.

Every API request bumps a throttle counter here (taolun.platform.api.throttling), so two
costs of Django's client showed in a cached read on PostgreSQL:

* ``get_client`` builds a new ``redis.Redis`` for every call (its connection pool is kept,
  the client's tables of commands are not). A ``redis.Redis`` is safe to share between
  threads, so one per connection pool does.
* ``incr`` asks whether the key exists, then increments it: two round trips, and not
  atomic. One server-side script does both.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def incr(self, key, delta):
        value = self.get_client(key, write=True).eval(_INCR_IF_EXISTS, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")  # as Django's
        return value


# Django's incr: a missing key is an error (nil), not a new counter.
_INCR_IF_EXISTS = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end return false"


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
