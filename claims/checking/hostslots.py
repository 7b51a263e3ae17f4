"""A per-host limit on concurrent fetches, shared by every worker (claims/slots.py)."""

from contextlib import contextmanager

from django.conf import settings

from .. import slots

TTL_MARGIN = 15


@contextmanager
def host_slot(host, limit=None):
    """Yield True when this fetch may go to ``host`` now, False when the host is busy."""
    if not host:
        yield True
        return
    key = f"factcheck:fetching:{host.lower()}"
    ttl = settings.SOURCE_FETCH_DEADLINE + TTL_MARGIN
    token = slots.take(key, limit or settings.SOURCE_FETCH_PER_HOST, ttl)
    if token is None:
        yield False
        return
    try:
        yield True
    finally:
        slots.give_back(key, token)
