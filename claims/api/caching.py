"""Conditional GET and the response cache for the API, both from the public pages' version
stamp (publishing.freshness): a matching ``If-None-Match`` or ``If-Modified-Since`` (but on
the sync feed) is answered 304 before any query, and a repeated request with the whole answer
kept for it.

The cache keeps an answer exactly when the answer gets an ETag, under that ETag's stamp: a
client sending that ETag would be told 304, so serving the kept body instead is as fresh as a
304 is. Kept answers are served, like 304s, only once the API key is checked and the request
counted against its rate limit (``admitted``).

Answers are kept in each web process's memory only, up to ``API_CACHE_BYTES``, least recently
used out first: a full sync walks hundreds of megabytes of distinct pages, which must not land
in Redis, also the Celery broker.
"""

from functools import wraps

from django.conf import settings
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.decorators import decorator_from_middleware
from rest_framework.exceptions import AuthenticationFailed

from ..publishing.freshness import public_etag, public_version
from ..views.page_cache import LocalPages, cacheable, kept_entry, page_key, rebuilt
from .keys import ApiKeyAuthentication
from .throttling import hit, limit_for

answers = LocalPages("API_CACHE_BYTES")

# What nearly every client sends. An answer depends on Accept only through DRF's negotiation (a
# 406, JSON indented for "application/json; indent=4"), which the key leaves out: only requests
# with these are answered from the cache or fill it.
USUAL_ACCEPT = frozenset(["", "*/*", "application/json"])


def usual_accept(request):
    """Whether the request asks for JSON as nearly every client does (no ``?format=`` either)."""
    return request.META.get("HTTP_ACCEPT", "").strip() in USUAL_ACCEPT and (
        "format" not in request.GET
    )


def _validators():
    # The stamp this process read less than PUBLIC_VERSION_MEMO_SECONDS ago, as the pages do: a
    # Redis round trip was a third of a 304's cost. A change committed since moved the real
    # stamp, so a 304 may hide it for that long at most; the feed's rule below still holds, as
    # a row the feed held back commits after the stamp its ETag was made from.
    version = public_version(memo=True, serving=True)
    if version.stamp is None:  # the cache is down: full responses, no validators
        return version, None
    return version, public_etag(version.stamp, prefix="api-")


def admitted(request, count=True):
    """Check the key and, if ``count``, count the request, as the view would, for an answer
    ready before it: True if it may be served. Else the view runs and refuses it with its usual
    error (the count is not taken twice: ``ApiRateThrottle`` reads it)."""
    try:
        credentials = ApiKeyAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    if not count:
        return True
    ident, limit = limit_for(request, credentials[1] if credentials else None)
    request.api_rate_wait = hit(ident, limit)
    return request.api_rate_wait is None


def _kept_answer(request, stamp):
    entry = answers.get(stamp, page_key(request, stamp))
    return None if entry is None else rebuilt(entry)


def conditional(view):
    """Wrap an API view: 304 when nothing changed, ETag and Last-Modified on a 200, and the
    answer kept for a repeated request.

    The 304 or the kept answer is found here, before any query, and served without the view
    (and DRF's dispatch, most of a 304's cost) once ``admitted`` has checked the key and
    counted the request.

    A response with ``settled_at`` before the last change (the sync feed still holding back
    recent rows) gets no validators: a 304 must never keep a partner from rows it has not been
    shown. A view that may hold rows back (``holds_rows_back``) is revalidated by ETag only.
    """
    # A client may send If-Modified-Since built from the Date of an answer that had no
    # validators because it held rows back (RFC 9110 13.1.3 lets caches do so), and that date
    # may even equal a Last-Modified given later: only an ETag tells a held-back answer apart.
    dated = not getattr(getattr(view, "view_class", None), "holds_rows_back", False)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        version, etag = _validators()
        stamp = version.stamp
        readable = etag is not None and request.method in ("GET", "HEAD")
        keep = (
            readable
            and request.method == "GET"
            and settings.API_CACHE_SECONDS > 0
            and usual_accept(request)
        )
        if readable:
            early = get_conditional_response(
                request,
                etag=etag,
                last_modified=int(version.last_modified.timestamp()) if dated else None,
                response=None,
            )
            if early is not None:
                early.headers["ETag"] = etag
            elif keep:
                early = _kept_answer(request, stamp)
                if early is not None:
                    _validate(early, etag, version, dated)
            # A 304 is not counted against the rate limit (as GitHub's API does): revalidating
            # is what partners should do, and it costs about what a refusal would.
            if early is not None and admitted(request, count=early.status_code != 304):
                _cache_headers(early)
                return early
        response = view(request, *args, **kwargs)
        if (
            readable
            and response.status_code == 200
            # The feed's horizon against the last change (a deploy holds no rows back).
            and getattr(response, "settled_at", version.changed_at) >= version.changed_at
        ):
            if keep:
                if hasattr(response, "render"):  # DRF renders after the view, we need it now
                    response.render()
                if cacheable(request, response):
                    seconds = settings.API_CACHE_SECONDS
                    entry = kept_entry(response, seconds)
                    answers.put(stamp, page_key(request, stamp), entry, seconds)
            _validate(response, etag, version, dated)
        _cache_headers(response)
        return response

    return wrapped


def by_content(view):
    """Wrap a view whose answer does not follow the version stamp (the schema, the docs page):
    an ETag from the body, 304 when it matches, and the API's Cache-Control."""
    conditional_get = decorator_from_middleware(ConditionalGetMiddleware)(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = conditional_get(request, *args, **kwargs)
        _cache_headers(response)  # a 304 made after rendering copies it
        return response

    return wrapped


def _validate(response, etag, version, dated=True):
    response.headers["ETag"] = etag
    if dated:
        version.date(response)


def _cache_headers(response):
    # Partners revalidate every time: cheap 304s, and never a stale page.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
