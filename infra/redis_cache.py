"""Django's Redis cache, with its clients made once instead of once per operation.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every call (its
connection pool is kept; the client's tables of commands are not): that was a tenth of a
cached read on PostgreSQL, whose throttle counts in Redis. A ``redis.Redis`` is safe to
share between threads, so one per connection pool does.
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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
