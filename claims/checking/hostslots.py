"""A per-host limit on concurrent fetches, shared by every worker through Redis.

A sorted set per host holds one member per fetch in flight, scored by its start time;
members older than the TTL (a worker killed mid-fetch) fall out on their own.
"""

import time
import uuid
from contextlib import contextmanager
from functools import lru_cache

import redis
from django.conf import settings

TTL_MARGIN = 15


@lru_cache(maxsize=1)
def _client(url):
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


@contextmanager
def host_slot(host, limit=None):
    """Yield True when this fetch may go to ``host`` now, False when the host is busy."""
    limit = limit or settings.SOURCE_FETCH_PER_HOST
    if not settings.REDIS_URL or not host:
        yield True  # in-process tasks: one fetch at a time anyway
        return
    client = _client(settings.REDIS_URL)
    key = f"factcheck:fetching:{host.lower()}"
    token = uuid.uuid4().hex
    ttl = settings.SOURCE_FETCH_DEADLINE + TTL_MARGIN
    now = time.time()
    pipe = client.pipeline()
    pipe.zremrangebyscore(key, 0, now - ttl)
    pipe.zadd(key, {token: now})
    pipe.zrank(key, token)
    pipe.expire(key, int(ttl) + 1)
    _, _, rank, _ = pipe.execute()
    if rank is not None and rank < limit:
        try:
            yield True
        finally:
            client.zrem(key, token)
    else:
        client.zrem(key, token)
        yield False
