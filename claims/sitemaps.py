"""sitemap.xml: every public verdict page in each language, with its last change."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as BaseSitemap
from django.urls import reverse
from django.utils import translation

from .publishing.verdicts import published_reviews


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


class VerdictSitemap(Sitemap):
    """One sitemap per language keeps items a lazy, paged queryset (no list of every row)."""

    limit = 10_000

    def __init__(self, language):
        self.language = language

    def items(self):
        return (
            published_reviews()
            .select_related("claim")
            .only("id", "updated_at", "claim__text")
            .order_by("id")
        )

    def location(self, review):
        with translation.override(self.language):
            return reverse("public:verdict", kwargs={"pk": review.pk, "slug": review.slug})

    def lastmod(self, review):
        return review.updated_at


class PagesSitemap(Sitemap):
    def __init__(self, language):
        self.language = language

    def items(self):
        return ["public:verdict-list", "public:methodology"]

    def location(self, name):
        with translation.override(self.language):
            return reverse(name)


SITEMAPS = {
    **{f"pages-{code}": PagesSitemap(code) for code in ("fr", "en")},
    **{f"verdicts-{code}": VerdictSitemap(code) for code in ("fr", "en")},
}
