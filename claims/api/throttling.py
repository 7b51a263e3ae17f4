"""Per-minute request limits for the partner API: per key, else per client address.

Fixed one-minute windows counted in Redis by a small Lua script, INCR then EXPIRE on the
window's first request, run atomically in one round trip: every request gets its own count, so
however many arrive at once, at most ``limit`` of them see a count within the limit. (INCR and
EXPIRE in a MULTI/EXEC did the same with four replies to read instead of one: a third of a
304's time, docs/benchmarks.md.) Without Redis (the demo) the local-memory cache counts instead.
"""

import logging
import math
import time
from functools import lru_cache

import redis
from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

from ..models import ApiKey
from ..security import rate_limit_key

WINDOW = 60
log = logging.getLogger(__name__)


# The window's key lives a little past the window: clocks differ between web servers.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


@lru_cache(maxsize=1)
def _counter(url):
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    # EVALSHA, and the script itself again if Redis restarted and forgot it.
    return client.register_script(_COUNT_SCRIPT)


def _count(key):
    """This request's number in its window, atomically."""
    if settings.REDIS_URL:
        return _counter(settings.REDIS_URL)(keys=[key], args=[WINDOW + 5])
    cache = caches["default"]
    cache.add(key, 0, WINDOW + 5)
    try:
        return cache.incr(key)  # LocMemCache increments under its lock
    except ValueError:  # expired between add and incr
        cache.add(key, 0, WINDOW + 5)
        return cache.incr(key)


def hit(ident, limit, now=None):
    """Count a request for ``ident``: ``None`` if allowed, else the seconds to wait."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    try:
        count = _count(f"{settings.API_RATE_KEY_PREFIX}:{ident}:{window}")
    except redis.RedisError:
        # Reading published verdicts matters more than the limit: serve, but say so.
        log.warning("API rate limit not enforced: Redis unavailable", exc_info=True)
        return None
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW - now))


def limit_for(request, api_key):
    """``(ident, per-minute limit)``: the key's own, else the anonymous one per address."""
    if isinstance(api_key, ApiKey):
        return f"key:{api_key.pk}", api_key.rate_per_minute
    return f"ip:{rate_limit_key(request)}", settings.API_ANON_RATE


class ApiRateThrottle(BaseThrottle):
    """DRF's hook onto ``hit``: a 429 with ``Retry-After`` past the limit."""

    wait_seconds = None

    def allow_request(self, request, view):
        if hasattr(request._request, "api_rate_wait"):  # counted by caching.admitted already
            self.wait_seconds = request._request.api_rate_wait
        else:
            self.wait_seconds = hit(*limit_for(request, request.auth))
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds
