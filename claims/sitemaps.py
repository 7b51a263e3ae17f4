"""sitemap.xml: every public verdict and speaker page in each language, with its last change
and its other-language versions."""

from dataclasses import replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as BaseSitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.urls import reverse
from django.utils import translation

from .context_processors import LANGUAGES, default_language
from .models import Review, Speaker
from .publishing.claimreview import public_origin
from .publishing.verdicts import published_reviews
from .views.common import path_maker


class Sitemap(BaseSitemap):
    """Absolute URLs on PUBLIC_BASE_URL when it is set, else on the request's host."""

    def get_domain(self, site=None):
        if settings.PUBLIC_BASE_URL:
            return urlsplit(settings.PUBLIC_BASE_URL).netloc
        return super().get_domain(site)

    def get_protocol(self, protocol=None):
        if settings.PUBLIC_BASE_URL:
            return urlsplit(settings.PUBLIC_BASE_URL).scheme
        return super().get_protocol(protocol)


class LocalizedSitemap(Sitemap):
    """One sitemap per language keeps items a lazy, paged queryset (Django's ``i18n`` mode would
    list every row of every page in memory); each URL names its other-language versions and
    ``x-default`` (the default language's) as ``xhtml:link`` alternates."""

    def __init__(self, language):
        self.language = language

    def location(self, item):
        return self.location_in(item, self.language)

    def location_in(self, item, language):
        with translation.override(language):
            return self.path(item)

    def _urls(self, page, protocol, domain):
        # Django fills ``alternates`` only in its i18n mode; its template writes them out.
        urls = super()._urls(page, protocol, domain)
        origin = f"{protocol}://{domain}"
        for url in urls:
            locations = {
                code: origin + self.location_in(url["item"], code) for code, _name in LANGUAGES
            }
            url["alternates"] = [
                *({"lang_code": code, "location": loc} for code, loc in locations.items()),
                {"lang_code": "x-default", "location": locations[default_language()]},
            ]
        return urls


class VerdictSitemap(LocalizedSitemap):
    limit = 10_000

    def items(self):
        return (
            published_reviews()
            .select_related("claim")
            .only("id", "synced_at", "claim__text")
            .order_by("id")
        )

    def path(self, review):
        return path_maker("public:verdict")(review.pk, review.slug)

    def lastmod(self, review):
        # Moves with any change to the page (a source, the speaker, a correction), as partners'
        # feed does, not only with the verdict's own row.
        return review.synced_at

    def get_latest_lastmod(self):
        # For the index; Django's own would read every item to take the latest.
        return published_reviews().aggregate(latest=Max("synced_at"))["latest"]


class SpeakerSitemap(LocalizedSitemap):
    """Speakers with a published verdict (the others' pages are 404), last changed when their
    latest verdict was."""

    limit = 10_000

    def items(self):
        return (
            Speaker.objects.filter(claims__reviews__state=Review.State.PUBLISHED)
            .annotate(last_verdict=Max("claims__reviews__synced_at"))
            .only("id", "name")
            .order_by("id")
        )

    def path(self, speaker):
        return path_maker("public:speaker")(speaker.pk, speaker.slug)

    def lastmod(self, speaker):
        return speaker.last_verdict

    def get_latest_lastmod(self):
        reviews = published_reviews().filter(claim__speaker__isnull=False)
        return reviews.aggregate(latest=Max("synced_at"))["latest"]


class PagesSitemap(LocalizedSitemap):
    def items(self):
        return ["public:verdict-list", "public:methodology"]

    def path(self, name):
        return reverse(name)


SITEMAPS = {
    **{f"pages-{code}": PagesSitemap(code) for code, _name in LANGUAGES},
    **{f"verdicts-{code}": VerdictSitemap(code) for code, _name in LANGUAGES},
    **{f"speakers-{code}": SpeakerSitemap(code) for code, _name in LANGUAGES},
}


def sitemap_index(request):
    """Django's sitemap index, with its links on PUBLIC_BASE_URL like the sitemaps' own (Django
    puts them on the request's host)."""
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    origin = public_origin(request)
    response.context_data["sitemaps"] = [
        replace(item, location=origin + _path_and_query(item.location))
        for item in response.context_data["sitemaps"]
    ]
    return response


def _path_and_query(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
