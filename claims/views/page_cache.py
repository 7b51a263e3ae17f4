"""The public page cache: rendered pages kept under the public version stamp, served before
most of the middleware.

``public_page`` (views/common.py) marks the 200s it renders; ``PublicPageCacheMiddleware``
keeps them, with the headers the inner middleware added, in two layers: this process's memory
(``PUBLIC_PAGE_LOCAL_CACHE_BYTES``) and the shared cache (Redis), each for at most
``PUBLIC_PAGE_CACHE_SECONDS``. Both are keyed by the version stamp, so the first change a
reader could see makes every kept page unreachable.

The middleware sits after the security, CORS and CSP middleware, so cached responses get their
headers the same way rendered ones do, and before sessions, locale, CSRF, authentication and
messages, which a page kept for every reader does not need: a hit costs no URL resolution,
no view, and usually no round trip to Redis. Only anonymous-safe pages are kept: never a
response that sets a cookie, varies on a request header, touched the session or used a CSRF
token.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language_from_path

from ..publishing.freshness import public_etag, public_version, release
from .common import cache_publicly

logger = logging.getLogger(__name__)

# Headers of a 200 that do not describe a 304 (RFC 9110 section 15.4.5): the body's own.
_BODY_HEADERS = {"content-type", "content-length"}


# The shape of a kept entry, in its key: during a deploy, old and new code share Redis, and
# neither must read the other's entries. Change it with the shape.
ENTRY_FORMAT = "4"


def page_key(request, stamp):
    """The cache key of this request's page at ``stamp`` in this release: scheme, host and the
    full path with its query (the path carries the language: /fr/, /en/), as absolute links
    are made of them."""
    text = f"{stamp}|{release()}|{request.build_absolute_uri()}"
    return f"public-page:{ENTRY_FORMAT}:" + hashlib.sha256(text.encode()).hexdigest()


class LocalPages:
    """Pages kept in this process's memory, least recently used first out, for one stamp at
    a time: seeing a new stamp empties it. ``limit_setting`` names the setting of its size."""

    def __init__(self, limit_setting="PUBLIC_PAGE_LOCAL_CACHE_BYTES"):
        self.limit_setting = limit_setting
        self._lock = threading.Lock()
        self._pages = OrderedDict()
        self._stamp = None
        self.nbytes = 0

    def get(self, stamp, key):
        with self._lock:
            if stamp != self._stamp:
                self._reset(stamp)
                return None
            kept = self._pages.get(key)
            if kept is None:
                return None
            expires, entry, _size = kept
            if time.monotonic() >= expires:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return entry

    def put(self, stamp, key, entry, seconds):
        limit = getattr(settings, self.limit_setting)
        size = len(entry[0]) + sum(len(name) + len(value) for name, value in entry[1])
        if size > limit or seconds <= 0:  # also when the layer is off (limit 0)
            return
        with self._lock:
            if stamp != self._stamp:
                self._reset(stamp)
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (time.monotonic() + seconds, entry, size)
            self.nbytes += size
            while self.nbytes > limit:
                self._drop(next(iter(self._pages)))

    def clear(self):
        with self._lock:
            self._reset(None)

    def _reset(self, stamp):
        self._pages.clear()
        self.nbytes = 0
        self._stamp = stamp

    def _drop(self, key):
        self.nbytes -= self._pages.pop(key)[2]


local_pages = LocalPages()


def shared(request):
    """Whether this page is also kept in Redis. Not when the URL has a query (a search, filters,
    a page number): readers can make any number of those, and Redis is also the Celery broker,
    so they stay in each process's bounded memory."""
    return not request.META.get("QUERY_STRING")


def cached_entry(request, stamp):
    """``(content, headers, expires)`` of the page kept for this request at ``stamp``, or
    None; ``expires`` is when the shared copy expires (``time.time()``)."""
    key = page_key(request, stamp)
    entry = local_pages.get(stamp, key)
    if entry is not None or not shared(request):
        return entry
    try:
        entry = cache.get(key)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None
    if entry is not None:
        # No longer than the shared copy: PUBLIC_PAGE_CACHE_SECONDS after the page was rendered.
        local_pages.put(stamp, key, entry, entry[2] - time.time())
    return entry


def rebuilt(entry):
    """A fresh 200 from a kept ``(content, headers, expires)`` entry."""
    content, headers, _expires = entry
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    return response


def kept_entry(response, seconds):
    """``(content, headers, expires)`` to keep ``response`` for ``seconds``; without
    Last-Modified, which is given when served as it may move without the stamp."""
    headers = [(name, value) for name, value in response.items() if name != "Last-Modified"]
    return (response.content, headers, time.time() + seconds)


def store_entry(request, stamp, response):
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    entry = kept_entry(response, seconds)
    key = page_key(request, stamp)
    local_pages.put(stamp, key, entry, seconds)
    if not shared(request):
        return
    try:
        cache.set(key, entry, seconds)
    except Exception:
        logger.warning("could not keep a rendered page", exc_info=True)


def cacheable(request, response):
    """Whether this response, marked by ``public_page``, may be served to every reader."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The key holds host, path and query only: a response that depends on any other
        # request header (Cookie, Accept-Language, …) is not shared.
        and not response.has_header("Vary")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "accessed", False)
    )


class PublicPageCacheMiddleware:
    """Serve kept public pages (200 or 304) before the rest of the stack; keep the pages that
    ``public_page`` rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.early_response(request)
        if response is not None:
            return response
        response = self.get_response(request)
        if (
            response.status_code == 404
            and get_language_from_path(request.path_info)
            and not response.has_header("Cache-Control")
        ):
            # A CDN's own default for a 404 can be an hour: this one lasts as long as a page.
            cache_publicly(response)
        stamp = getattr(response, "public_page_stamp", None)
        if (
            stamp is not None
            and settings.PUBLIC_PAGE_CACHE_SECONDS
            and cacheable(request, response)
        ):
            store_entry(request, stamp, response)
        return response

    def early_response(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or not settings.PUBLIC_PAGE_CACHE_SECONDS
            # Public pages all live under a language prefix (/fr/, /en/): the admin, the API
            # and static files never wait for a cache lookup.
            or not get_language_from_path(request.path_info)
            # CommonMiddleware turns these away; a cached page must not get past it.
            or settings.DISALLOWED_USER_AGENTS
        ):
            return None
        version = public_version(memo=True, serving=True)
        stamp = version.stamp
        if stamp is None:
            return None
        # public_page uses the same stamp: one lookup per request, one stamp per response.
        request.public_version = version
        entry = cached_entry(request, stamp)
        if entry is None:
            return None
        _content, headers, _expires = entry
        not_modified = get_conditional_response(
            request,
            etag=public_etag(stamp),
            last_modified=int(version.last_modified.timestamp()),
            response=None,
        )
        if not_modified is not None:
            if not_modified.status_code != 304:
                return None  # a failed If-Match: public_page answers it as it always has
            response = HttpResponseNotModified()
            for name, value in headers:
                if name.lower() not in _BODY_HEADERS:
                    response.headers[name] = value
        else:
            response = rebuilt(entry)
        # Dated now, not when kept: the date can move without the stamp (a deploy), and a page
        # rendered within its change's second was kept without one (freshness.Version).
        version.date(response)
        return response
