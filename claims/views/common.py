"""What every public page shares: conditional GET, CDN and server caching, canonical URLs,
paging."""

from functools import lru_cache, wraps
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

from ..publishing.claimreview import public_origin
from ..publishing.freshness import public_etag, public_version
from ..templatetags.public import machine_time, reader_date


def public_page(view):
    """Answer conditional GETs from the public pages' version stamp, before any query; let
    browsers and CDNs cache the page (browsers revalidate every time); mark the 200s it renders
    for ``PublicPageCacheMiddleware`` (views/page_cache.py) to keep under the stamp."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # The middleware may have read the stamp already (and served the page, if kept).
        version = getattr(request, "public_version", None) or public_version(
            memo=True, serving=True
        )
        stamp = version.stamp
        if stamp is None:  # no cache: render, without validators
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                cache_publicly(response)
            return response
        etag = public_etag(stamp)
        response = None
        if request.headers.get("If-None-Match", "").strip() == "*":
            # "*" matches any page that exists, and only the view knows whether this one does:
            # a draft's or a made-up URL must stay a 404.
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
        not_modified = get_conditional_response(
            request,
            etag=etag,
            last_modified=int(version.last_modified.timestamp()),
            response=None,
        )
        if not_modified is not None:
            if not_modified.status_code == 304:
                # The validators a 200 would carry (RFC 9110, 15.4.5), as a kept page's 304 has.
                _validators(not_modified, etag, version)
                cache_publicly(not_modified)
            else:
                # A failed If-Match answers one client's request: a CDN that forwarded the
                # header must not serve that 412 to every reader.
                patch_cache_control(not_modified, private=True, no_store=True)
            return not_modified
        if response is None:
            response = view(request, *args, **kwargs)
        if response.status_code == 200:
            _validators(response, etag, version)
            cache_publicly(response)
            response.public_page_stamp = stamp
        return response

    return wrapped


def _validators(response, etag, version):
    response.headers["ETag"] = etag
    # Ours, not a view's own (a feed dates itself by its newest entry): the 304s are ours.
    version.date(response)


def cache_publicly(response):
    """Let browsers and CDNs keep ``response``, revalidating (browsers) or for
    ``PUBLIC_PAGES_CDN_MAX_AGE`` (CDNs)."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        must_revalidate=True,
        s_maxage=settings.PUBLIC_PAGES_CDN_MAX_AGE,
    )


def canonical_redirect(request, obj):
    """A permanent redirect to ``obj``'s page, keeping the query string (a speaker's page
    number, a social link's tracking tags)."""
    url = obj.get_absolute_url()
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    # Bounded: a browser keeps a bare 301 for good, and the claim's text (so the slug) can
    # change back; a redirect then kept would loop.
    cache_publicly(response)
    return response


def absolute_url(request, path):
    """``path`` on the public site's canonical origin."""
    return public_origin(request) + path


def list_canonical_url(request, path, page, filtered=False):
    """The canonical URL of a page of a list: each page of the plain list is its own (search
    engines index them all); a search or a filtered list points to the list itself."""
    query = f"?page={page.number}" if page.number > 1 and not filtered else ""
    return absolute_url(request, path + query)


# Stand-ins that reverse() accepts for <id:pk> and <slug:slug> and that no URL prefix holds.
_PK, _SLUG = "9081726354", "zq-slug-qz"


@lru_cache(maxsize=64)
def _path_template(viewname, language, script_prefix, urlconf):
    path = reverse(viewname, kwargs={"pk": _PK, "slug": _SLUG}, urlconf=urlconf)
    if path.count(_PK) != 1 or path.count(_SLUG) != 1:  # cannot happen with the URLs we have
        raise ValueError(f"cannot make a template of {path}")
    before, rest = path.split(_PK)
    middle, after = rest.split(_SLUG)
    return before, middle, after


def path_maker(viewname):
    """A function ``(pk, slug) → reverse(viewname, kwargs={"pk": pk, "slug": slug})`` for the
    active language, which resolves the URL once rather than once per link: a list's links (a
    verdict and its speaker per item, fifty items in a feed) were a tenth of its time."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, middle, after = _path_template(viewname, get_language(), get_script_prefix(), urlconf)
    safe = RFC3986_SUBDELIMS + "/~:@"

    def path(pk, slug):
        # Quoted as reverse() quotes its arguments (slugify's slugs need none).
        return f"{before}{pk}{middle}{quote(slug, safe=safe)}{after}"

    return path


def short_path_maker(viewname):
    """A function ``pk → reverse(viewname, kwargs={"pk": pk})`` for the active language,
    resolving the URL once (``path_maker`` for URLs without a slug)."""
    path = reverse(viewname, kwargs={"pk": _PK})
    before, after = path.split(_PK)
    return lambda pk: f"{before}{pk}{after}"


def list_items(reviews):
    """Give each review what ``includes/verdict_item.html`` shows, computed once per list
    instead of per item in the template: its links (``item_path``, ``item_speaker_path``,
    equal to the models' ``get_absolute_url``) and its publication date in the site's time
    zone (``item_iso``, ``item_day``: the template's ``machine_time`` and ``reader_date``).
    """
    verdict_path = path_maker("public:verdict")
    speaker_path = path_maker("public:speaker")
    language = get_language()
    zone = timezone.get_current_timezone()
    for review in reviews:
        speaker = review.claim.speaker
        review.item_path = verdict_path(review.pk, review.slug)
        review.item_speaker_path = speaker_path(speaker.pk, speaker.slug) if speaker else ""
        if review.published_at is None:  # as the template's date filter shows it
            review.item_iso = review.item_day = ""
            continue
        published = review.published_at.astimezone(zone)
        review.item_iso = machine_time(published)
        review.item_day = _day(published.date(), language)
    return reviews


@lru_cache(maxsize=4096)
def _day(date, language):
    # A day and a language always give the same words (``language`` is the active one).
    return reader_date(date)


class Page:
    """One page of a list, without counting the whole list: readers go newer or older."""

    # Deeper pages cost an ever longer OFFSET scan; older verdicts are reached by the date
    # filters instead.
    DEEPEST = 10_000

    def __init__(self, request, queryset, size=None, param="page"):
        size = size or settings.PUBLIC_PAGE_SIZE
        try:
            self.number = max(1, int(request.GET.get(param, 1)))
        except ValueError:
            self.number = 1
        if self.number > self.DEEPEST:
            raise Http404("no such page")
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        if not rows and self.number > 1:
            # Past the end (the list shrank, or a made-up number): not an empty page that
            # would say nothing was ever published.
            raise Http404("no such page")
        self.has_next = len(rows) > size and self.number < self.DEEPEST
        self.items = rows[:size]
        self.has_previous = self.number > 1
        self._query = request.GET.copy()
        self._param = param

    def _url(self, number):
        query = self._query.copy() if self._query else QueryDict(mutable=True)
        if number == 1:
            query.pop(self._param, None)
        else:
            query[self._param] = str(number)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def next_url(self):
        return self._url(self.number + 1) if self.has_next else None

    @property
    def previous_url(self):
        return self._url(self.number - 1) if self.has_previous else None

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)
