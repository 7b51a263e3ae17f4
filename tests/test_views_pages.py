"""Methodology, robots.txt, sitemap.xml, the not-found page and the security headers."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix
from django.utils import timezone, translation
from django.views.defaults import server_error

from claims.context_processors import public
from claims.models import RatingScale, Review

from .factories import (
    ClaimFactory,
    RatingFactory,
    ReviewFactory,
    SpeakerFactory,
    a_second_back,
    default_rating,
    published_verdict,
)

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_methodology_lists_every_rating_with_its_definition_and_the_corrections_policy(client):
    french = client.get("/fr/methodology/").content.decode()
    english = client.get("/en/methodology/").content.decode()
    for label in ("Vrai", "Plutôt vrai", "Manque de contexte", "Trompeur", "Faux", "Invérifiable"):
        assert f"{label}</span>" in french
    assert "Politique de corrections" in french and "IFCN" in french
    assert "Missing context</span>" in english and "Corrections policy" in english


def test_methodology_says_who_publishes_owns_and_funds_the_verdicts(client, settings):
    settings.ORGANISATION_NAME = "Vérif'"
    settings.ORGANISATION_URL = "https://verif.example.org/"
    settings.ORGANISATION_TRANSPARENCY_URL = "https://verif.example.org/qui-sommes-nous"
    settings.ORGANISATION_CONTACT_EMAIL = "verif@example.org"
    french = client.get("/fr/methodology/").content.decode()
    assert '<a href="https://verif.example.org/">Vérif&#x27;</a>' in french
    assert (
        '<a href="https://verif.example.org/qui-sommes-nous">À qui nous appartenons, qui nous '
        "finance et comment nous sommes organisés</a>" in french
    )
    assert '<a href="mailto:verif@example.org">verif@example.org</a>' in french
    english = client.get("/en/methodology/").content.decode()
    assert "Who owns and funds us, and how we are organised</a>" in english
    # Where to go when a correction is refused: the IFCN.
    assert 'href="https://ifcncodeofprinciples.poynter.org/"' in english


def test_methodology_names_only_what_the_organisation_set(client, settings):
    settings.ORGANISATION_URL = settings.ORGANISATION_TRANSPARENCY_URL = ""
    settings.ORGANISATION_CONTACT_EMAIL = ""
    html = client.get("/en/methodology/").content.decode()
    assert f"These verdicts are published by {settings.ORGANISATION_NAME}.</p>" in html
    assert "mailto:" not in html and "Who owns and funds us" not in html


def test_methodology_shows_every_scale_the_default_one_first(client):
    default_rating()  # seeds the default scale
    flop = RatingFactory(
        scale__slug="flip", scale__name="Flip-O-Meter", slug="volte-face", label_fr="Volte-face"
    )
    html = client.get("/fr/methodology/").content.decode()
    assert "Nos échelles de verdicts" in html
    assert '<h3 id="scale-flip" lang="fr">Flip-O-Meter</h3>' in html
    assert html.index('id="rating-vrai"') < html.index('id="rating-flip.volte-face"')
    assert re.search(rf"Volte-face</span>\s*</dt>\s*<dd>{flop.definition_fr}</dd>", html)


def test_scales_are_named_in_the_pages_language_or_else_in_french(client):
    default_rating()
    RatingScale.objects.filter(is_default=True).update(name="Échelle maison", name_en="House scale")
    RatingFactory(scale__slug="flip", scale__name="Volte-face-o-mètre")
    english = client.get("/en/methodology/").content.decode()
    assert '<h3 id="scale-factcheck" lang="en">House scale</h3>' in english
    # No English name: the French one, marked as French for screen readers.
    assert '<h3 id="scale-flip" lang="fr">Volte-face-o-mètre</h3>' in english
    english = client.get("/en/").content.decode()
    assert '<optgroup label="House scale" lang="en">' in english
    assert '<optgroup label="Volte-face-o-mètre" lang="fr">' in english
    french = client.get("/fr/").content.decode()
    assert '<optgroup label="Échelle maison" lang="fr">' in french


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    disallowed = [line for line in text.splitlines() if line.startswith("Disallow:")]
    assert disallowed == [
        "Disallow: /admin/",
        "Disallow: /evidence/",
        "Disallow: /fr/submit/",
        "Disallow: /en/submit/",
    ]
    assert "Sitemap: http://testserver/sitemap.xml" in text


def sitemap_urls(client, base="http://testserver"):
    """{loc: (lastmod, {hreflang: href})} over every section of the index."""
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    urls = {}
    for section in [loc.text for loc in index.iter(f"{SITEMAP}loc")]:
        assert section.startswith(f"{base}/sitemap-"), section
        tree = ET.fromstring(client.get(section.removeprefix(base)).content)  # noqa: S314 - our own output
        for url in tree.findall(f"{SITEMAP}url"):
            lastmod = url.find(f"{SITEMAP}lastmod")
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
            }
            urls[url.find(f"{SITEMAP}loc").text] = (
                lastmod.text if lastmod is not None else None,
                alternates,
            )
    return urls


def test_sitemap_names_each_pages_other_language_version(client):
    review = published_verdict()
    urls = sitemap_urls(client)
    path = review.get_absolute_url().removeprefix("/fr")
    french, english = f"http://testserver/fr{path}", f"http://testserver/en{path}"
    for loc in (french, english):
        assert urls[loc][1] == {"fr": french, "en": english, "x-default": french}
    assert urls["http://testserver/en/methodology/"][1]["fr"] == "http://testserver/fr/methodology/"


def test_sitemap_lists_speakers_with_a_published_verdict(client):
    speaker = SpeakerFactory()
    published_verdict(claim=ClaimFactory(speaker=speaker))
    latest = published_verdict(claim=ClaimFactory(speaker=speaker))
    only_drafts = ReviewFactory(state=Review.State.DRAFT, published_at=None).claim.speaker
    urls = sitemap_urls(client)
    with translation.override("en"):
        assert f"http://testserver{speaker.get_absolute_url()}" in urls
        assert f"http://testserver{only_drafts.get_absolute_url()}" not in urls
    lastmod = urls[f"http://testserver{speaker.get_absolute_url()}"][0]
    assert lastmod == timezone.localtime(latest.synced_at).isoformat(timespec="seconds")


def test_a_verdicts_lastmod_moves_with_any_change_to_its_page(client):
    review = published_verdict()
    earlier = a_second_back()
    Review.objects.filter(pk=review.pk).update(updated_at=earlier, synced_at=earlier)
    url = f"http://testserver{review.get_absolute_url()}"
    assert sitemap_urls(client)[url][0] == timezone.localtime(earlier).isoformat(timespec="seconds")
    source = review.claim.sources.get()
    source.status = "dead"  # its last check, which the page shows
    source.save()
    review.refresh_from_db()
    assert review.updated_at == earlier and review.synced_at > earlier
    lastmod = sitemap_urls(client)[url][0]
    assert lastmod == timezone.localtime(review.synced_at).isoformat(timespec="seconds")


def test_sitemap_and_its_index_are_on_the_public_site(client, settings):
    settings.PUBLIC_BASE_URL = "https://factcheck.example.org"
    review = published_verdict()
    urls = sitemap_urls(client, base="https://factcheck.example.org")
    assert f"https://factcheck.example.org{review.get_absolute_url()}" in urls


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
            # In the site's time zone, to the second.
            assert urls[loc] == timezone.localtime(review.synced_at).isoformat(timespec="seconds")
    assert not [loc for loc in urls if f"/verdicts/{draft.pk}/" in loc]


def test_the_sitemap_index_takes_each_sections_last_change_without_reading_its_rows(client):
    speaker = SpeakerFactory()
    reviews = [published_verdict(claim=ClaimFactory(speaker=speaker)) for _ in range(3)]
    latest = max(Review.objects.get(pk=r.pk).synced_at for r in reviews)
    with CaptureQueriesContext(connection) as queries:
        index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    lastmods = {
        entry.find(f"{SITEMAP}loc").text: entry.find(f"{SITEMAP}lastmod")
        for entry in index.findall(f"{SITEMAP}sitemap")
    }
    stamp = timezone.localtime(latest).isoformat()
    for section in ("verdicts-fr", "verdicts-en", "speakers-fr", "speakers-en"):
        assert lastmods[f"http://testserver/sitemap-{section}.xml"].text[:19] == stamp[:19]
    # Django's own read every published verdict (twice per language) to take the latest; what
    # is left is aggregates: the latest change, and the count that gives the pages.
    reads = [q["sql"] for q in queries.captured_queries if '"claims_review"' in q["sql"]]
    assert reads and all(sql.startswith(("SELECT MAX(", "SELECT COUNT(")) for sql in reads), reads


def test_not_found_page_is_the_sites_own(client):
    response = client.get("/fr/verdicts/999999/nothing/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_not_found_pages_switch_language_to_the_other_home_page(client):
    html = client.get("/en/nothing-here/").content.decode()
    assert '<a href="/fr/" hreflang="fr" lang="fr">Français</a>' in html
    assert 'rel="alternate" hreflang' not in html  # no canonical page to name versions of


def test_the_language_switcher_never_links_to_another_host(rf):
    # A path may start with "//", which a URL parser reads as a host.
    request = rf.get("/en/")
    request.path = request.path_info = "//evil.example/en/"
    with translation.override("en"):
        links = list(public(request)["language_links"])  # lazy: read it in English
    assert [link["url"] for link in links] == ["/fr/", "/evil.example/en/"]


def served_under_a_path(rf, path, script_name="/verif"):
    """``path`` as a WSGI server serving the site under ``script_name`` answers it (Django's
    test client sets no script prefix)."""
    environ = {**rf.get(path).environ, "SCRIPT_NAME": script_name}
    # As the test client does: closing the connection would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: None)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        set_script_prefix("/")
    return body.decode()


def test_under_a_path_each_language_version_is_the_same_page(rf):
    review = published_verdict()
    french = review.get_absolute_url()
    with translation.override("en"):
        english = review.get_absolute_url()
    html = served_under_a_path(rf, french)
    base = "http://testserver/verif"
    assert f'<link rel="canonical" href="{base}{french}">' in html
    assert f'<link rel="alternate" hreflang="en" href="{base}{english}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{base}{french}">' in html
    assert f'<a href="/verif{english}" hreflang="en" lang="en">English</a>' in html
    missing = served_under_a_path(rf, "/en/nothing-here/")
    assert '<a href="/verif/fr/" hreflang="fr" lang="fr">Français</a>' in missing


def test_under_a_path_robots_names_the_sites_own_paths(rf):
    text = served_under_a_path(rf, "/robots.txt")
    assert "Disallow: /verif/admin/" in text and "Disallow: /verif/en/submit/" in text
    assert "Sitemap: http://testserver/verif/sitemap.xml" in text


def test_alternates_of_a_search_are_the_lists_not_the_search(client):
    html = client.get("/fr/", {"q": "dette", "page": "1"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/fr/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html
    # The switcher keeps the reader's search.
    assert 'href="/en/?q=dette&amp;page=1" hreflang="en"' in html


def test_each_page_of_the_plain_list_is_its_own_canonical_page(client, settings):
    settings.PUBLIC_PAGE_SIZE = 1
    published_verdict(), published_verdict()
    html = client.get("/fr/", {"page": "2"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/fr/?page=2">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/?page=2">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/fr/?page=2">' in html
    first = client.get("/fr/", {"page": "1"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/fr/">' in first


def test_server_errors_get_a_page_of_their_own_in_the_readers_language(rf):
    with translation.override("fr"):
        response = server_error(rf.get("/fr/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Erreur du serveur" in html
    assert 'href="/fr/"' in html


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
    path = review.get_absolute_url().removeprefix("/fr")
    # Absolute, and x-default for the default language's version (search engines' rules).
    for code, prefix in (("fr", "/fr"), ("en", "/en"), ("x-default", "/fr")):
        link = f'<link rel="alternate" hreflang="{code}" href="http://testserver{prefix}{path}">'
        assert link in html
    assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html
    form = client.get("/fr/").content.decode()
    for field_id in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', form):
        assert f'<label for="{field_id}"' in form, field_id
