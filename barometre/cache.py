"""Django's Redis cache, keeping one client per connection pool.

Django's backend builds a new `redis.Redis` client for every command (django/core/cache/backends/redis.py,
`get_client`), and a client's construction fills its table of ~170 response callbacks: about 0.1 ms per
command, several per request. A client is safe to share between threads (each command takes a connection
from the pool), so one per pool is enough.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key: str | None = None, *, write: bool = False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
