"""Conditional GETs and CDN caching of public pages, and their invalidation on every change
readers could see."""

import threading
import time
import uuid
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.http import parse_http_date

from claims.models import Rating, RatingScale
from claims.publishing import freshness
from claims.publishing.freshness import release, source_digest
from claims.publishing.verdicts import approve_and_publish, correct_review, unpublish_review

from .factories import (
    ReviewFactory,
    SourceFactory,
    StaffFactory,
    a_second_back,
    published_verdict,
    set_public_version,
    set_stamp,
)

# Transactions commit for real: the version stamp moves on commit.
pytestmark = pytest.mark.django_db(transaction=True)


def conditional(client, url, response):
    """Revalidate ``response`` as browsers do: with its ETag and, if it had one, its date."""
    since = (
        {"HTTP_IF_MODIFIED_SINCE": response["Last-Modified"]} if "Last-Modified" in response else {}
    )
    return client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **since)


def test_verdict_pages_and_feeds_answer_304_until_something_changes(client):
    review = published_verdict()
    for url in (review.get_absolute_url(), "/fr/", "/fr/feed/", "/en/feed/"):
        first = client.get(url)
        assert first.status_code == 200
        assert "public" in first["Cache-Control"] and "s-maxage=" in first["Cache-Control"]
        again = conditional(client, url, first)
        assert again.status_code == 304, url
        assert again.content == b""


def test_if_none_match_any_answers_304_only_for_a_page_that_exists(client):
    review = published_verdict()
    draft = ReviewFactory(state="draft", published_at=None)
    client.get(review.get_absolute_url())  # kept pages must not change the answer either
    assert client.get(review.get_absolute_url(), HTTP_IF_NONE_MATCH="*").status_code == 304
    for missing in (
        draft.get_absolute_url(),
        "/fr/verdicts/999999/nothing/",
        "/fr/feed/speakers/999999/",
    ):
        assert client.get(missing, HTTP_IF_NONE_MATCH="*").status_code == 404, missing


def test_not_found_pages_and_redirects_are_kept_by_cdns_no_longer_than_pages(client, settings):
    settings.PUBLIC_PAGES_CDN_MAX_AGE = 60
    review = published_verdict()
    draft = ReviewFactory(state="draft", published_at=None)
    for url in (
        draft.get_absolute_url(),
        "/fr/verdicts/999999/nothing/",
        "/en/nothing-here/",
        f"/fr/verdicts/{review.pk}/old-slug/",
        f"/fr/verdicts/{review.pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (301, 404), url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"public", "max-age=0", "must-revalidate", "s-maxage=60"} <= directives, url


def test_a_failed_precondition_is_kept_by_no_cdn(client, page_cache):
    # One client's If-Match; a CDN that forwarded it would serve the 412 to every reader.
    review = published_verdict()
    url = review.get_absolute_url()
    client.get(url)  # kept by the page cache too
    for header in (
        {"HTTP_IF_MATCH": '"nope"'},
        {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 2001 00:00:00 GMT"},
    ):
        response = client.get(url, **header)
        assert response.status_code == 412
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives and "public" not in directives
        assert not any(d.startswith("s-maxage") for d in directives)
    assert client.get(url).status_code == 200


def test_the_submit_form_is_never_kept_by_anyone(client):
    # Its page holds the reader's own CSRF token.
    assert "no-store" in client.get("/fr/submit/")["Cache-Control"]
    assert "private" in client.get("/en/submit/")["Cache-Control"]


def test_a_304_costs_no_database_query(client, django_assert_num_queries):
    review = published_verdict()
    first = client.get(review.get_absolute_url())
    with django_assert_num_queries(0):
        assert conditional(client, review.get_absolute_url(), first).status_code == 304


@pytest.mark.parametrize("change", ["publish", "correct", "unpublish", "source"])
def test_publishing_correcting_unpublishing_or_a_source_check_invalidates(client, change):
    editor = StaffFactory()
    review = published_verdict()
    url = review.get_absolute_url()
    first = client.get(url)
    if change == "publish":
        other = ReviewFactory(state="in_review", published_at=None)
        SourceFactory(claim=other.claim)
        approve_and_publish(other, editor)
    elif change == "correct":
        correct_review(review, "Conclusion précisée.", editor, conclusion="Faux, à 2 % près.")
    elif change == "unpublish":
        unpublish_review(review, editor)
    else:
        with transaction.atomic():
            source = review.claim.sources.get()
            source.status = "dead"
            source.save()
    after = conditional(client, url, first)
    if change == "unpublish":
        assert after.status_code == 404
    else:
        assert after.status_code == 200
        assert after["ETag"] != first["ETag"]
    if change == "correct":
        assert "Conclusion précisée." in after.content.decode()


@pytest.mark.parametrize("field", ["title", "note", "archive_url"])
def test_any_source_field_the_page_shows_invalidates(client, field):
    review = published_verdict()
    url = review.get_absolute_url()
    first = client.get(url)
    source = review.claim.sources.get()
    value = "https://archive.example/copie" if field == "archive_url" else "Mis à jour par script"
    setattr(source, field, value)
    source.save()  # outside the admin, which would also log a correction
    after = conditional(client, url, first)
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert value in after.content.decode()


@pytest.mark.parametrize("change", ["author's name", "default scale"])
def test_renaming_an_author_or_changing_the_default_scale_invalidates(client, change):
    review = published_verdict(author=StaffFactory(first_name="Jeanne", last_name="Martin"))
    url = review.get_absolute_url() if change == "author's name" else "/fr/methodology/"
    new = RatingScale.objects.create(slug="courte", name="Échelle courte")
    Rating.objects.create(scale=new, slug="douteux", label_fr="Douteux", label_en="Dubious")
    first = client.get(url)
    if change == "author's name":
        author = type(review.author).objects.get(pk=review.author_id)
        author.last_name = "Durand"
        author.save()
        seen = "Jeanne Durand"
    else:
        with transaction.atomic():
            RatingScale.objects.filter(is_default=True).update(is_default=False)
            new.is_default = True
            new.save()
        seen = "Douteux"
    after = conditional(client, url, first)
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert seen in after.content.decode()


def test_deleting_an_editor_takes_their_name_off_the_verdict(client):
    editor = StaffFactory(first_name="Zed", last_name="Zorro")
    review = published_verdict(editor=editor)
    first = client.get(review.get_absolute_url())
    assert "Zed Zorro" in first.content.decode()
    editor.delete()
    after = conditional(client, review.get_absolute_url(), first)
    assert after.status_code == 200
    assert "Zed Zorro" not in after.content.decode()


def test_a_deploy_changes_every_etag_and_kept_page(client, settings, page_cache):
    settings.RELEASE = "2026-11-26.1"
    review = published_verdict()
    url = review.get_absolute_url()
    first = client.get(url)
    assert conditional(client, url, first).status_code == 304
    settings.RELEASE = "2026-11-26.2"
    after = conditional(client, url, first)
    assert after.status_code == 200  # rendered by the new code, not kept from the old
    assert after["ETag"] != first["ETag"]
    assert conditional(client, url, after).status_code == 304


def test_a_deploy_moves_last_modified_for_clients_that_send_only_that(client, settings):
    # Release names of their own: the stamp in Redis outlives the test run.
    settings.RELEASE = old_release = f"test-{uuid.uuid4().hex}"
    review = published_verdict()
    now = timezone.now()
    set_public_version(now - timedelta(seconds=10))
    url = review.get_absolute_url()
    first = client.get(url)
    since = {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}
    assert client.get(url, **since).status_code == 304
    settings.RELEASE = new_release = f"test-{uuid.uuid4().hex}"
    assert client.get(url, **since).status_code == 200
    # Five seconds on (its date is only given once the deploy's second is over):
    deployed = cache.get(freshness.RELEASE_KEY)
    assert deployed[0] == new_release
    set_public_version(now - timedelta(seconds=10), deployed_at=now - timedelta(seconds=5))
    after = client.get(url)
    assert parse_http_date(after["Last-Modified"]) == int((now - timedelta(seconds=5)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=after["Last-Modified"]).status_code == 304
    # A rollback is a deploy too: the old release's pages are not "unmodified since" the new.
    settings.RELEASE = old_release
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=after["Last-Modified"]).status_code == 200
    assert cache.get(freshness.RELEASE_KEY)[0] == old_release


def test_a_change_within_the_second_of_the_last_is_never_hidden_by_if_modified_since(
    client, monkeypatch
):
    review = published_verdict()
    url = review.get_absolute_url()
    changed = a_second_back()  # at S + 0.2
    set_public_version(changed)
    monkeypatch.setattr(freshness, "wall_clock", lambda: changed.timestamp() + 0.5)
    # Read within its change's second, the page carries no date a later change in that same
    # second could share; the ETag still validates it.
    first = client.get(url)
    assert "Last-Modified" not in first
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    monkeypatch.setattr(freshness, "wall_clock", lambda: changed.timestamp() + 0.8)  # S + 1
    dated = client.get(url)
    assert dated["ETag"] == first["ETag"]
    assert parse_http_date(dated["Last-Modified"]) == int(changed.timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=dated["Last-Modified"]).status_code == 304


def test_a_stamp_reused_from_the_memo_is_dated_only_if_its_second_was_over_when_read(
    client, settings, monkeypatch
):
    settings.PUBLIC_VERSION_MEMO_SECONDS = 1
    ticks = [1000.0]
    monkeypatch.setattr(freshness, "monotonic", lambda: ticks[0])
    review = published_verdict()
    url = review.get_absolute_url()
    changed = a_second_back()  # S + 0.2
    set_public_version(changed)
    wall = [changed.timestamp() + 0.1]  # S + 0.3
    monkeypatch.setattr(freshness, "wall_clock", lambda: wall[0])
    first = client.get(url)
    # Another process makes a change within the same second, S + 0.8 ...
    set_stamp(changed + timedelta(seconds=0.6))
    # ... and at S + 1.1 this process still serves the stamp it read at S + 0.3.
    wall[0], ticks[0] = changed.timestamp() + 0.9, ticks[0] + 0.9
    from_memo = client.get(url)
    assert from_memo["ETag"] == first["ETag"]
    # Dated S, it would be "unmodified since" for the change of S + 0.8, for good.
    assert "Last-Modified" not in from_memo
    ticks[0] += 0.1  # the memo runs out: the stamp is read again, at S + 1.1
    fresh = client.get(url)
    assert fresh["ETag"] != first["ETag"]
    assert parse_http_date(fresh["Last-Modified"]) == int(changed.timestamp())


def test_users_read_in_part_cost_no_extra_query(django_assert_num_queries):
    StaffFactory(first_name="Jeanne")
    with django_assert_num_queries(1):  # the signals read only what was loaded
        users = list(get_user_model().objects.only("id"))
    assert users


def test_a_login_changes_nothing_readers_see(client):
    review = published_verdict(author=StaffFactory())
    first = client.get(review.get_absolute_url())
    update_last_login(None, type(review.author).objects.get(pk=review.author_id))
    assert conditional(client, review.get_absolute_url(), first).status_code == 304


def test_a_draft_edit_elsewhere_does_not_matter_to_drafts_pages(client):
    draft = ReviewFactory(state="draft", published_at=None)
    assert client.get(f"/fr/verdicts/{draft.pk}/{draft.slug}/").status_code == 404


def test_public_pages_set_no_cookie_so_a_cdn_can_share_them(client):
    review = published_verdict()
    for url in ("/fr/", review.get_absolute_url(), "/fr/feed/"):
        response = client.get(url)
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def test_rendered_pages_are_served_from_the_cache_until_something_changes(
    client, page_cache, django_assert_num_queries
):
    review = published_verdict()
    url = review.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]

    correct_review(review, "Conclusion précisée.", StaffFactory(), conclusion="Faux, à 2 % près.")
    fresh = client.get(url)
    assert "Faux, à 2 % près." in fresh.content.decode()
    assert fresh["ETag"] != first["ETag"]


def test_the_page_cache_keeps_languages_hosts_and_queries_apart(client, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    published_verdict()
    french, english = client.get("/fr/"), client.get("/en/")
    assert french.content != english.content
    other_host = client.get("/fr/", HTTP_HOST="other.example").content.decode()
    assert 'href="http://other.example/fr/"' in other_host
    assert client.get("/fr/?q=introuvable").content != french.content


def test_unpublished_verdicts_leave_the_page_cache_at_once(client, page_cache):
    review = published_verdict()
    assert client.get(review.get_absolute_url()).status_code == 200
    unpublish_review(review, StaffFactory())
    assert client.get(review.get_absolute_url()).status_code == 404


def test_the_release_is_a_digest_of_what_renders_the_pages(tmp_path, settings):
    digest = source_digest.__wrapped__  # read the files each time, as a new process would
    for folder in ("claims", "factcheck", "templates"):
        (tmp_path / folder).mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>un</p>")
    (tmp_path / "claims" / "views.py").write_text("answer = 42\n")
    first = digest(tmp_path)
    (tmp_path / "claims" / "notes.po").write_text("msgid ''")  # not served: compiled into .mo
    assert digest(tmp_path) == first
    page.write_text("<p>deux</p>")
    assert digest(tmp_path) != first
    settings.RELEASE = ""
    current = release()
    assert current.startswith(source_digest(settings.BASE_DIR) + "-")
    settings.ORGANISATION_NAME = "Vérif'Actu"  # a setting every page shows
    assert release() != current
    settings.RELEASE = "abc123"
    assert release() == "abc123"


def test_a_touch_never_takes_the_stamp_back(client):
    """A touch landing after a later one, or made on a host whose clock is behind, still moves
    the stamp forward: set back under a committed change, it would hide that change."""
    review = published_verdict()
    url = review.get_absolute_url()
    ahead = timezone.now() + timedelta(seconds=5)
    set_public_version(ahead)
    before = client.get(url)
    correct_review(review, "Sources ajoutées.", StaffFactory())
    moved = freshness.public_version()
    assert freshness.stamp_time(moved.stamp) > ahead
    assert conditional(client, url, before).status_code == 200


def test_every_touch_moves_the_stamp_even_within_one_microsecond():
    stamps = set()
    for _ in range(20):
        with transaction.atomic():
            freshness.touch_public_pages()
        stamps.add(freshness.public_version().stamp)
    assert len(stamps) == 20


def test_a_touch_the_cache_refused_lands_later_and_no_page_is_unmodified_meanwhile(client):
    review = published_verdict()
    url = review.get_absolute_url()
    before = client.get(url)
    closed = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }  # nothing listens there
    with override_settings(CACHES=closed):
        correct_review(review, "Sources ajoutées.", StaffFactory())
    # Redis is back, with the old stamp: this process gives no validators until it moved it.
    meanwhile = client.get(url)
    assert "ETag" not in meanwhile or meanwhile["ETag"] != before["ETag"]
    deadline = time.monotonic() + 10
    while freshness.public_version().stamp is None and time.monotonic() < deadline:
        time.sleep(0.1)
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    assert conditional(client, url, before).status_code == 200


def test_touches_racing_from_an_old_stamp_leave_it_at_now():
    # Incremented by "now minus the stamp I read", three racing touches put it hours ahead:
    # no page or feed was dated, nor the feed settled, until the clock caught up.
    set_stamp(timezone.now() - timedelta(hours=1))
    together = threading.Barrier(3)
    moved = []

    def touch():
        together.wait()
        moved.append(freshness._move_stamp())

    touches = [threading.Thread(target=touch) for _ in range(3)]
    for thread in touches:
        thread.start()
    for thread in touches:
        thread.join(10)
    assert len(set(moved)) == 3
    assert freshness.stamp_time(cache.get(freshness.KEY)) - timezone.now() < timedelta(seconds=1)


def test_the_earlier_release_and_this_one_see_each_others_changes():
    """During a rolling deploy or a rollback both releases serve: the earlier one reads and
    writes an ISO time under its own key, and would fail on this release's integer."""
    before = freshness.public_version().changed_at
    freshness._move_stamp()
    legacy = cache.get(freshness.LEGACY_KEY)
    assert isinstance(legacy, str) and datetime.fromisoformat(legacy) > before
    later = timezone.now() + timedelta(seconds=2)  # the earlier release's touch
    cache.set(freshness.LEGACY_KEY, later.isoformat(), None)
    freshness.forget_public_version()
    assert freshness.public_version().changed_at == later
    assert freshness.stamp_time(freshness._move_stamp()) > later
