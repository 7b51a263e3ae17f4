"""One version stamp for every public page, so conditional GETs cost no database query.

Any change a reader could see (a verdict published, corrected or unpublished, a claim,
speaker, rating or source edited) moves the stamp once the transaction commits; ETags and
Last-Modified derive from it, and from the release deployed (a deploy can change any page).
Losing the stamp (a cache flush) only costs one full response. The stamp only moves forward,
and every change moves it, whatever the order touches land in or the clock of the host making
them; a touch the cache refused is retried until it lands, and until then this process gives
no validators.

Public pages may reuse the stamp a process last read for ``PUBLIC_VERSION_MEMO_SECONDS``
(``public_version(memo=True)``): a Redis round trip per request was most of what a 304 or a
cached page cost. A change made in this process is seen at once (``touch_public_pages`` updates
the memo); one made in another process is seen within that bound.
"""

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.http import http_date

KEY = "public-pages:stamp"
# Where releases before the integer stamp keep theirs, as an ISO 8601 time. Touches write both
# and reads take the later, so that during a rolling deploy (or a rollback) each release sees
# the other's changes, and the earlier one never reads a value it cannot parse.
LEGACY_KEY = "public-pages:version"
# (release, since when, ISO 8601): the release that last started serving public pages.
RELEASE_KEY = "public-pages:release"
logger = logging.getLogger(__name__)

# The clocks of the memo and of Last-Modified; tests move them instead of sleeping.
monotonic = time.monotonic
wall_clock = time.time


class Version(NamedTuple):
    """The public pages' version as this process last read it."""

    stamp: str | None
    # What If-Modified-Since is compared with: the last change readers could see, or the
    # last deploy if later.
    last_modified: datetime | None
    # The last change readers could see: the stamp's own time.
    changed_at: datetime | None
    # When it was read from the cache (wall clock), or made by this process.
    read_at: float = 0.0
    # When this process read it (monotonic): the memo's age.
    kept_at: float = 0.0

    @property
    def last_modified_header(self):
        """``Last-Modified``, or None until it is safe to give. The header has whole seconds:
        until the stamp's second was over when the stamp was read, a later change could share
        that second, and a client revalidating with ``If-Modified-Since`` alone would be told
        the changed page is unmodified, until the next change."""
        if self.last_modified is None:
            return None
        second = int(self.last_modified.timestamp())
        return http_date(second) if int(self.read_at) > second else None

    def date(self, response):
        """Give ``response`` this version's ``Last-Modified`` (replacing any of its own), or
        none while it is not safe to give."""
        response.headers.pop("Last-Modified", None)
        if self.last_modified_header is not None:
            response.headers["Last-Modified"] = self.last_modified_header


UNKNOWN = Version(None, None, None)
# The last version this process read or made; a tuple is replaced whole, so threads never see
# half of one.
_memo = None
# A change this process made is not in the stamp yet (the cache refused the touch): its
# validators would call the changed pages unmodified.
_behind = threading.Event()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def stamp_time(stamp):
    """When the stamp says the last change was: microseconds since the epoch (or an ISO 8601
    time, as stamps were written before)."""
    if isinstance(stamp, int):
        return _EPOCH + timedelta(microseconds=stamp)
    return datetime.fromisoformat(stamp)


def _microseconds(moment):
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _later(stamp, legacy):
    """The later of this release's stamp and the earlier releases' one, as microseconds."""
    times = [_microseconds(stamp_time(value)) for value in (stamp, legacy) if value is not None]
    return max(times, default=None)


def public_version(memo=False, serving=False):
    """The current ``Version``; ``UNKNOWN`` (stamp None) when the cache is down.

    With ``memo``, one read less than ``PUBLIC_VERSION_MEMO_SECONDS`` ago is reused. With
    ``serving`` (public pages and API answers), a process of a release other than the last one
    seen serving records itself, which moves Last-Modified.
    """
    global _memo
    if _behind.is_set():
        return UNKNOWN
    if memo:
        kept = _memo
        if kept is not None and monotonic() - kept.kept_at < settings.PUBLIC_VERSION_MEMO_SECONDS:
            return kept
    read_at = wall_clock()  # before the read: a change made after it has a later time
    try:
        values = cache.get_many([KEY, LEGACY_KEY, RELEASE_KEY])
        stamp = _later(values.get(KEY), values.get(LEGACY_KEY))
        if stamp is None:
            cache.add(KEY, _microseconds(timezone.now()), None)
            stamp = cache.get(KEY)
        deployed = values.get(RELEASE_KEY)
        if serving and (deployed is None or deployed[0] != release()):
            # A deploy (or a rollback) may change any page: ETags hold the release, and
            # Last-Modified moves too, or If-Modified-Since alone would be answered 304. While
            # two releases serve, each records itself (at most once per memo period): clients
            # sending only that date get full pages, never a stale 304; kept pages stay.
            deployed = (release(), timezone.now().isoformat())
            cache.set(RELEASE_KEY, deployed, None)
    except Exception:  # a cache outage must not take the public pages down
        logger.warning("public pages version unavailable", exc_info=True)
        return UNKNOWN
    if stamp is None:
        return UNKNOWN
    changed_at = stamp_time(stamp)
    last_modified = changed_at
    if deployed is not None:
        last_modified = max(changed_at, datetime.fromisoformat(deployed[1]))
    _memo = Version(stamp, last_modified, changed_at, read_at, monotonic())
    return _memo


def forget_public_version():
    """Drop this process's memo: the next ``public_version`` asks the cache."""
    global _memo
    _memo = None


def public_etag(stamp, prefix=""):
    """A strong ETag for ``stamp`` and this release; ``prefix`` keeps representations of
    another kind apart."""
    digest = hashlib.sha256(f"{stamp}|{release()}".encode()).hexdigest()[:24]
    return f'"{prefix}{digest}"'


def touch_public_pages():
    """Move the version stamp after the current transaction commits."""

    def touch():
        global _memo
        _memo = None
        try:
            stamp = _move_stamp()
        except Exception:
            logger.warning("could not move the public pages version; retrying", exc_info=True)
            _retry_touch()
            return
        # This process serves its own change at once, not after the memo runs out; it gives
        # no Last-Modified for it until it reads the stamp again (Version.last_modified_header).
        # (Now is later than any deploy's time: Last-Modified is the change's.)
        changed_at = stamp_time(stamp)
        _memo = Version(stamp, changed_at, changed_at, changed_at.timestamp(), monotonic())

    transaction.on_commit(touch)


# In Redis, one step: the stamp becomes the toucher's time, or one past the stamp when that is
# later. (An increment by "now minus what I read" drifted hours ahead when touches raced from
# an old stamp.) A value that is no number, an ISO stamp of an earlier release, answers -1.
_MOVE_SCRIPT = """
local moved = tonumber(ARGV[1])
local value = redis.call('GET', KEYS[1])
local current = tonumber(value)
if value and not current then return -1 end
if current and current >= moved then moved = current + 1 end
redis.call('SET', KEYS[1], string.format('%d', moved))
return moved
"""
_local_move = threading.Lock()


def _move_stamp():
    """Move the stamp to now, or just past where it is when that is later; return it.

    Two touches may land out of order, and hosts' clocks differ: a touch setting its own time
    could take the stamp back, under a committed change that pages then call unmodified.
    """
    now = _microseconds(timezone.now())
    backend = caches["default"]
    legacy = backend.get(LEGACY_KEY)  # an earlier release's touch, during a rolling deploy
    if legacy is not None:
        now = max(now, _microseconds(stamp_time(legacy)) + 1)
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(KEY)
        # Django's Redis cache keeps an int as its digits, so cache.get() reads it back.
        moved = int(backend._cache.get_client(key, write=True).eval(_MOVE_SCRIPT, 1, key, now))
        if moved >= 0:
            return _write_legacy(moved)
    with _local_move:  # the demo's in-process cache, or a stamp of the earlier release, once
        current = backend.get(KEY)
        if isinstance(current, str):
            current = _microseconds(datetime.fromisoformat(current))
        moved = now if current is None or current < now else current + 1
        backend.set(KEY, moved, None)
        return _write_legacy(moved)


def _write_legacy(stamp):
    caches["default"].set(LEGACY_KEY, stamp_time(stamp).isoformat(), None)
    return stamp


_retrier = None
_retrier_lock = threading.Lock()
_failed_touches = 0  # under the lock: a touch failing while one is retried is retried too


def _retry_touch(first_delay=0.5, longest_delay=30.0):
    """Move the stamp from a thread of this process, until the cache takes it."""
    global _retrier, _failed_touches
    with _retrier_lock:
        _failed_touches += 1
        _behind.set()
        if _retrier is not None and _retrier.is_alive():
            return

        def retry():
            global _memo, _retrier
            delay = first_delay
            while True:
                time.sleep(delay)
                with _retrier_lock:
                    failed = _failed_touches
                try:
                    _move_stamp()
                except Exception:
                    delay = min(longest_delay, delay * 2)
                    continue
                with _retrier_lock:
                    if failed != _failed_touches:  # another failed since: move it once more
                        continue
                    _memo = None
                    _behind.clear()
                    _retrier = None
                logger.warning("moved the public pages version after a failed touch")
                return

        _retrier = threading.Thread(target=retry, name="public-version-touch", daemon=True)
        _retrier.start()


def release():
    """What is deployed: ``RELEASE``, else a digest of the files, packages and settings that
    render public pages and API answers. It is part of every ETag and kept page's key, as a
    deploy can change any page without moving the stamp."""
    global _release
    if _release is None:  # once per process: every page and 304 asks
        shown = "\0".join(str(getattr(settings, name, "")) for name in _SETTINGS_SHOWN)
        digest = hashlib.sha256(shown.encode()).hexdigest()[:8]
        _release = settings.RELEASE or f"{source_digest(settings.BASE_DIR)}-{digest}"
    return _release


_release = None


@receiver(setting_changed)
def _forget_release(setting, **kwargs):
    global _release
    if setting == "RELEASE" or setting in _SETTINGS_SHOWN:  # tests change settings
        _release = None


# Settings that pages and API answers show or depend on.
_SETTINGS_SHOWN = (
    "ORGANISATION_NAME",
    "ORGANISATION_URL",
    "ORGANISATION_TRANSPARENCY_URL",
    "ORGANISATION_CONTACT_EMAIL",
    "PUBLIC_BASE_URL",
    "FORCE_SCRIPT_NAME",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "STATIC_URL",
    "PUBLIC_PAGE_SIZE",
)
# Packages whose output is in them: escaping, Markdown, sanitizing, headers.
_PACKAGES_SHOWN = (
    "django",
    "djangorestframework",
    "markdown-it-py",
    "nh3",
    "django-csp",
    "anyascii",
)


# What changes the HTML and JSON served: code, templates, catalogues, static files (their
# hashed names are in the pages).
_SOURCE_DIRS = ("claims", "factcheck", "templates")
_SOURCE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".css", ".js", ".svg"}


@lru_cache(maxsize=4)
def source_digest(base_dir):
    """A digest of the versions of the packages that render pages and of the paths and contents
    of the source files under ``base_dir``, read once per process (a few milliseconds)."""
    digest = hashlib.sha256()
    for package in _PACKAGES_SHOWN:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    base = Path(base_dir)
    for folder in _SOURCE_DIRS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
