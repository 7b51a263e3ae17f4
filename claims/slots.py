"""Limits on work in flight, shared by every process through Redis: fetches per host, and
DataFeed exports.

A sorted set per limit holds one member per holder, scored by its start time; members older
than the time to live (a process killed while holding one) fall out on their own.
"""

import time
import uuid
from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def _client(url):
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def take(key, limit, ttl):
    """A token for one of ``limit`` slots under ``key``, or None when all are taken. Without
    Redis (in-process tasks, the demo) there is no limit: always a token."""
    token = uuid.uuid4().hex
    if not settings.REDIS_URL:
        return token
    client = _client(settings.REDIS_URL)
    now = time.time()
    pipe = client.pipeline()
    pipe.zremrangebyscore(key, 0, now - ttl)
    pipe.zadd(key, {token: now})
    pipe.zrank(key, token)
    pipe.expire(key, int(ttl) + 1)
    _, _, rank, _ = pipe.execute()
    if rank is not None and rank < limit:
        return token
    client.zrem(key, token)
    return None


def give_back(key, token):
    """Free the slot ``token`` holds under ``key``."""
    if settings.REDIS_URL:
        _client(settings.REDIS_URL).zrem(key, token)
