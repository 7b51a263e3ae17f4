"""The public page cache served before most of the middleware (claims/views/page_cache.py),
and the version stamp each process reuses for PUBLIC_VERSION_MEMO_SECONDS."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import parse_http_date

from claims.publishing import freshness
from claims.publishing.verdicts import correct_review
from claims.views.page_cache import local_pages, page_key

from .factories import (
    StaffFactory,
    a_second_back,
    published_verdict,
    set_public_version,
    set_stamp,
    settle_public_pages,
)

# Transactions commit for real: the version stamp moves on commit.
pytestmark = pytest.mark.django_db(transaction=True)

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def went_through_the_stack(response):
    """Whether the request reached the middleware after the page cache (sessions, locale)."""
    return hasattr(response.wsgi_request, "session")


def headers(response):
    return {name: value for name, value in response.items() if name != "Date"}


def test_a_kept_page_is_served_early_with_every_header_a_rendered_one_has(
    client, page_cache, django_assert_num_queries
):
    review = published_verdict()
    # Dated well before the first request: otherwise the rendered page may be served within
    # the change's second (no Last-Modified yet) and the kept one after it (dated).
    settle_public_pages()
    for url in (review.get_absolute_url(), "/fr/", "/en/feed/", "/fr/methodology/"):
        rendered = client.get(url)
        assert went_through_the_stack(rendered)
        with django_assert_num_queries(0):
            kept = client.get(url)
        assert not went_through_the_stack(kept), url
        assert kept.status_code == 200
        assert kept.content == rendered.content
        assert headers(kept) == headers(rendered), url
        for name in SECURITY_HEADERS:
            assert kept[name], (url, name)
        assert not kept.cookies


def test_a_kept_pages_304_has_the_headers_of_a_rendered_pages_304(client, page_cache, settings):
    review = published_verdict()
    settle_public_pages()
    url = review.get_absolute_url()
    first = client.get(url)
    early = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert early.status_code == 304 and early.content == b""
    assert not went_through_the_stack(early)

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # nothing kept: the view's decorator answers
    late = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert late.status_code == 304 and went_through_the_stack(late)
    for name in (*SECURITY_HEADERS, "Cache-Control", "ETag", "Last-Modified"):
        assert early[name] == late[name] == first[name], name


def test_if_modified_since_and_a_stale_etag_on_a_kept_page(client, page_cache):
    review = published_verdict()
    settle_public_pages()
    url = review.get_absolute_url()
    first = client.get(url)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    stale = client.get(url, HTTP_IF_NONE_MATCH='"not-the-current-stamp"')
    assert stale.status_code == 200 and stale.content == first.content


def test_a_page_kept_within_its_changes_second_is_dated_once_that_second_is_over(
    client, page_cache, monkeypatch
):
    review = published_verdict()
    url = review.get_absolute_url()
    changed = a_second_back()
    set_public_version(changed)
    monkeypatch.setattr(freshness, "wall_clock", lambda: changed.timestamp() + 0.5)
    first = client.get(url)
    assert "Last-Modified" not in first
    monkeypatch.setattr(freshness, "wall_clock", lambda: changed.timestamp() + 1.0)
    kept = client.get(url)
    assert not went_through_the_stack(kept) and kept.content == first.content
    assert parse_http_date(kept["Last-Modified"]) == int(changed.timestamp())


def test_a_kept_page_is_dated_when_served_as_the_date_can_move_without_the_stamp(
    client, page_cache
):
    review = published_verdict()
    url = review.get_absolute_url()
    changed = timezone.now() - timedelta(seconds=10)
    set_public_version(changed)
    first = client.get(url)
    # This release starts serving again after another one did (a rolling deploy, a rollback):
    set_public_version(changed, deployed_at=changed + timedelta(seconds=5))
    kept = client.get(url)
    assert not went_through_the_stack(kept) and kept.content == first.content
    assert parse_http_date(kept["Last-Modified"]) == int(changed.timestamp()) + 5
    since_first = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since_first.status_code == 200 and not went_through_the_stack(since_first)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=kept["Last-Modified"]).status_code == 304


def test_no_page_leaks_between_languages_whatever_the_reader_prefers(client, page_cache):
    published_verdict()
    client.cookies["django_language"] = "en"
    french = client.get("/fr/", HTTP_ACCEPT_LANGUAGE="en")
    english = client.get("/en/", HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(2):  # kept pages, asked with the other language preferred
        again_fr = client.get("/fr/", HTTP_ACCEPT_LANGUAGE="en")
        again_en = client.get("/en/", HTTP_ACCEPT_LANGUAGE="fr")
        assert not went_through_the_stack(again_fr)
        assert again_fr.content == french.content and '<html lang="fr">' in french.text
        assert again_en.content == english.content and '<html lang="en">' in english.text
        assert again_fr["Content-Language"] == "fr" and again_en["Content-Language"] == "en"


def test_no_page_leaks_between_hosts_or_queries(client, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    published_verdict()
    client.get("/fr/")
    client.get("/fr/?q=introuvable")
    other = client.get("/fr/", HTTP_HOST="other.example")
    assert 'href="http://other.example/fr/"' in other.text
    assert 'href="http://testserver/fr/"' in client.get("/fr/").text
    assert "introuvable" in client.get("/fr/?q=introuvable").text
    assert "introuvable" not in client.get("/fr/?page=1").text
    assert client.get("/fr/", HTTP_HOST="evil.example").status_code == 400


@pytest.mark.parametrize("kind", ["csrf", "session", "cookie", "vary"])
def test_pages_that_depend_on_the_reader_are_never_kept(client, page_cache, settings, kind):
    settings.ROOT_URLCONF = "tests.page_cache_urls"
    url = f"/fr/personal/{kind}/"
    assert client.get(url).status_code == 200
    again = client.get(url)
    assert again.status_code == 200 and went_through_the_stack(again)


def test_the_submit_form_is_rendered_for_each_reader_with_its_csrf_token(client, page_cache):
    for _ in range(2):
        response = client.get("/fr/submit/")
        assert went_through_the_stack(response)
        assert "csrfmiddlewaretoken" in response.text
        assert "csrftoken" in response.cookies
    assert client.post("/fr/submit/", {}).status_code != 403


def test_a_change_in_another_process_is_served_within_the_memo_bound(
    client, page_cache, settings, monkeypatch
):
    settings.PUBLIC_VERSION_MEMO_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(freshness, "monotonic", lambda: now[0])
    freshness.forget_public_version()
    review = published_verdict()
    url = review.get_absolute_url()
    first = client.get(url)
    # Another web process or a Celery worker moves the stamp (it commits elsewhere).
    set_stamp(timezone.now())
    now[0] += 0.9
    assert client.get(url)["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    now[0] += 0.1  # the bound: this process asks Redis again
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]


def test_a_change_made_in_this_process_is_served_at_once_despite_the_memo(
    client, page_cache, settings, monkeypatch
):
    settings.PUBLIC_VERSION_MEMO_SECONDS = 1
    monkeypatch.setattr(freshness, "monotonic", lambda: 1000.0)  # the memo never runs out
    review = published_verdict()
    url = review.get_absolute_url()
    first = client.get(url)
    correct_review(review, "Conclusion précisée.", StaffFactory(), conclusion="Faux, à 2 %.")
    fresh = client.get(url)
    assert fresh["ETag"] != first["ETag"] and "Faux, à 2 %." in fresh.text


def test_the_local_layer_holds_no_more_than_its_bound(
    client, page_cache, settings, django_assert_num_queries
):
    review = published_verdict()
    urls = ("/fr/", "/en/", review.get_absolute_url(), "/fr/feed/")
    settings.PUBLIC_PAGE_LOCAL_CACHE_BYTES = len(client.get("/fr/feed/").content) + 2000
    for url in urls:
        client.get(url)
        assert 0 < local_pages.nbytes <= settings.PUBLIC_PAGE_LOCAL_CACHE_BYTES
    # What the local layer let go is still kept in Redis.
    with django_assert_num_queries(0):
        for url in urls:
            assert not went_through_the_stack(client.get(url))

    settings.PUBLIC_PAGE_LOCAL_CACHE_BYTES = 0
    local_pages.clear()
    with django_assert_num_queries(0):
        assert not went_through_the_stack(client.get("/fr/"))
    assert local_pages.nbytes == 0


def test_pages_with_a_query_are_kept_in_the_process_only(client, page_cache):
    published_verdict()
    for url in ("/fr/?q=fictive", "/fr/?page=1", "/fr/"):
        first = client.get(url)
        again = client.get(url)
        assert not went_through_the_stack(again), url
        assert again.content == first.content
    stamp = freshness.public_version()[0]
    in_redis = {
        url: cache.get(page_key(client.get(url).wsgi_request, stamp)) is not None
        for url in ("/fr/?q=fictive", "/fr/?page=1", "/fr/")
    }
    # Readers can make any number of searches; Redis is also the Celery broker.
    assert in_redis == {"/fr/?q=fictive": False, "/fr/?page=1": False, "/fr/": True}


def test_pages_kept_by_another_version_of_the_code_are_not_read(client, page_cache):
    """During a deploy old and new processes share Redis: an entry of another shape, under
    the key the previous version used, must not be served (nor break the page)."""
    published_verdict()
    stamp = freshness.public_version().stamp
    old_key = "public-page:" + hashlib.sha256(f"{stamp}|testserver|/fr/".encode()).hexdigest()
    cache.set(old_key, (b"stale", "text/html; charset=utf-8"), 300)
    response = client.get("/fr/")
    assert response.status_code == 200 and b"stale" not in response.content
