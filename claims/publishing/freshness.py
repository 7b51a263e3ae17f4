"""One version stamp for every public page, so conditional GETs cost no database query.

Any change a reader could see (a verdict published, corrected or unpublished, a claim,
speaker, rating or source edited) moves the stamp once the transaction commits; ETags and
Last-Modified derive from it. Losing the stamp (a cache flush) only costs one full response.
"""

import hashlib
import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

KEY = "public-pages:version"
logger = logging.getLogger(__name__)


def public_version():
    """The current ``(etag, last_modified)``, or ``(None, None)`` when the cache is down."""
    try:
        stamp = cache.get(KEY)
        if stamp is None:
            cache.add(KEY, timezone.now().isoformat(), None)
            stamp = cache.get(KEY)
    except Exception:  # a cache outage must not take the public pages down
        logger.warning("public pages version unavailable", exc_info=True)
        return None, None
    if stamp is None:
        return None, None
    return stamp, datetime.fromisoformat(stamp)


def public_etag(stamp, prefix=""):
    """A strong ETag for ``stamp``; ``prefix`` keeps representations of another kind apart."""
    return f'"{prefix}{hashlib.sha256(stamp.encode()).hexdigest()[:24]}"'


def touch_public_pages():
    """Move the version stamp after the current transaction commits."""

    def touch():
        try:
            cache.set(KEY, timezone.now().isoformat(), None)
        except Exception:
            logger.warning("could not move the public pages version", exc_info=True)

    transaction.on_commit(touch)
