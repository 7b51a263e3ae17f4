"""Methodology, robots.txt, sitemap.xml, the not-found page and the security headers."""

import re
import xml.etree.ElementTree as ET

import pytest

from claims.models import Review

from .factories import ReviewFactory, published_verdict

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_methodology_lists_every_rating_with_its_definition_and_the_corrections_policy(client):
    french = client.get("/fr/methodology/").content.decode()
    english = client.get("/en/methodology/").content.decode()
    for label in ("Vrai", "Plutôt vrai", "Manque de contexte", "Trompeur", "Faux", "Invérifiable"):
        assert f"{label}</span>" in french
    assert "Politique de corrections" in french and "IFCN" in french
    assert "Missing context</span>" in english and "Corrections policy" in english


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemap_lists_every_published_verdict_in_both_languages_with_lastmod(client):
    published = [published_verdict() for _ in range(3)]
    draft = ReviewFactory(state=Review.State.DRAFT, published_at=None)
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-verdicts-fr.xml" in sections
    urls = {}
    for section in sections:
        tree = ET.fromstring(client.get(section.replace("http://testserver", "")).content)  # noqa: S314 - our own output
        for url in tree.findall(f"{SITEMAP}url"):
            lastmod = url.find(f"{SITEMAP}lastmod")
            urls[url.find(f"{SITEMAP}loc").text] = lastmod.text if lastmod is not None else None
    for review in published:
        for language in ("fr", "en"):
            loc = f"http://testserver/{language}/verdicts/{review.pk}/{review.slug}/"
            assert urls[loc] == review.updated_at.date().isoformat() or urls[loc].startswith(
                review.updated_at.date().isoformat()
            )
    assert not [loc for loc in urls if f"/verdicts/{draft.pk}/" in loc]


def test_not_found_page_is_the_sites_own(client):
    response = client.get("/fr/verdicts/999999/nothing/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_public_pages_send_security_headers(client):
    review = published_verdict()
    for url in ("/fr/", review.get_absolute_url(), "/fr/submit/", "/fr/methodology/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in csp
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_landmarks_labels_and_canonical_links(client):
    review = published_verdict()
    html = client.get(review.get_absolute_url()).content.decode()
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert f'<link rel="canonical" href="http://testserver{review.get_absolute_url()}">' in html
    assert 'hreflang="en" href="/en/verdicts/' in html
    assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html
    form = client.get("/fr/").content.decode()
    for field_id in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', form):
        assert f'<label for="{field_id}"' in form, field_id
