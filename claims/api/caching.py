"""Conditional GET and the response cache for the API, both from the public pages' version
stamp (publishing.freshness): a matching ``If-None-Match`` or ``If-Modified-Since`` is answered
304 before any query, and so is a repeated request, with the whole answer kept for it.

The cache keeps an answer exactly when the answer gets an ETag, under that ETag's stamp: a
client sending that ETag would be told 304, so serving the kept body instead is as fresh as a
304 is. Kept answers are served, like 304s, only once the view has checked the API key and
counted the request against its rate limit (``PublicAPIView.initial``).

Answers are kept in each web process's memory only, up to ``API_CACHE_BYTES``, least recently
used out first: a full sync walks hundreds of megabytes of distinct pages, which must not land
in Redis, also the Celery broker.
"""

import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from ..publishing.freshness import public_etag, public_version
from ..views.page_cache import LocalPages, cacheable, page_key

answers = LocalPages("API_CACHE_BYTES")


def _validators():
    # The stamp this process read less than PUBLIC_VERSION_MEMO_SECONDS ago, as the pages do: a
    # Redis round trip was a third of a 304's cost. A change committed since moved the real
    # stamp, so a 304 may hide it for that long at most; the feed's rule below still holds, as
    # a row the feed held back commits after the stamp its ETag was made from.
    stamp, last_modified = public_version(memo=True)
    if stamp is None:  # the cache is down: full responses, no validators
        return None, None
    return stamp, public_etag(stamp, prefix="api-"), last_modified


def kept_response(request):
    """The answer kept for this request (``conditional``), rebuilt, or None."""
    entry = getattr(request, "api_kept", None)
    if entry is None:
        return None
    content, headers, _expires = entry
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    response.kept = True  # not to be stored again
    return response


def conditional(view):
    """Wrap an API view: 304 when nothing changed, ETag and Last-Modified on a 200.

    The 304, or the answer kept for this request, is looked up here, before any query, and
    served by ``PublicAPIView.initial``.

    A response flagged ``settled = False`` (the sync feed still holding back recent rows)
    gets no validators: a 304 must never keep a partner from rows it has not been shown.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        stamp, etag, last_modified = _validators()
        keep = etag is not None and request.method == "GET" and settings.API_CACHE_SECONDS > 0
        if etag is not None and request.method in ("GET", "HEAD"):
            timestamp = int(last_modified.timestamp())
            not_modified = get_conditional_response(
                request, etag=etag, last_modified=timestamp, response=None
            )
            if not_modified is not None:
                not_modified.headers["ETag"] = etag
                _cache_headers(not_modified)
                # The view answers it once it has checked the key and counted the request.
                request.not_modified = not_modified
            elif keep:
                request.api_kept = answers.get(stamp, page_key(request, stamp))
        response = view(request, *args, **kwargs)
        if response is getattr(request, "not_modified", None):
            return response
        if (
            etag is not None
            and response.status_code == 200
            and request.method in ("GET", "HEAD")
            and getattr(response, "settled_at", last_modified) >= last_modified
        ):
            if keep and not getattr(response, "kept", False):
                if hasattr(response, "render"):  # DRF renders after the view, we need it now
                    response.render()
                if cacheable(request, response):
                    seconds = settings.API_CACHE_SECONDS
                    entry = (response.content, list(response.items()), time.time() + seconds)
                    answers.put(stamp, page_key(request, stamp), entry, seconds)
            response.headers["ETag"] = etag
            # Whole seconds: only once the stamp's second is over can no later change share it.
            second = int(last_modified.timestamp())
            if int(time.time()) > second:
                response.headers["Last-Modified"] = http_date(second)
        _cache_headers(response)
        return response

    return wrapped


def _cache_headers(response):
    # Partners revalidate every time: cheap 304s, and never a stale page.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
