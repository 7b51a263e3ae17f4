from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from claims import evidence
from claims.sitemaps import SITEMAPS, sitemap_index
from claims.views import health, pages

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    re_path(
        r"^evidence/(?P<check_id>[0-9]+)/(?P<kind>text|raw)$",
        evidence.snapshot,
        name="evidence-snapshot",
    ),
    path("admin/", admin.site.urls),
    # The partner API has no language prefix: it serves every language at once.
    path("api/v1/", include("claims.api.urls")),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]

# Readers' pages carry their language in the URL, so each language has its own cacheable,
# shareable address; "/" redirects to the reader's language (Accept-Language).
urlpatterns += i18n_patterns(path("", include("claims.urls")), prefix_default_language=True)
