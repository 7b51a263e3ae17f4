"""Partners mirroring the review feed end up with exactly the published set, whatever is
published, corrected, unpublished or deleted while they walk it; and conditional GETs."""

import threading
import time
from datetime import UTC, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django.utils.http import http_date

from claims.api.feed import sync_horizon
from claims.models import Review, Tombstone
from claims.publishing.verdicts import approve_and_publish, correct_review, unpublish_review

from .factories import (
    AppearanceFactory,
    ReviewFactory,
    SourceFactory,
    StaffFactory,
    default_rating,
    published_verdict,
    set_stamp,
)


@pytest.fixture(autouse=True)
def _no_sync_lag(settings):
    settings.API_SYNC_SAFETY_LAG = 0


class Partner:
    """A partner's mirror of the feed: it applies items and tombstones and keeps `next`."""

    def __init__(self, client, url="/api/v1/reviews/?page_size=2"):
        self.client, self.url, self.mirror, self.seen = client, url, {}, []

    def fetch_page(self):
        """Fetch and apply one page; True while more pages wait."""
        response = self.client.get(self.url)
        assert response.status_code == 200, response.content
        body = response.json()
        for item in body["results"]:
            self.seen.append(item)
            if item["deleted"]:
                self.mirror.pop(item["id"], None)
            else:
                self.mirror[item["id"]] = item
        self.url = body["next"]
        return body["has_more"]

    def catch_up(self):
        while self.fetch_page():
            pass


def draft_ready_to_publish(**fields):
    review = ReviewFactory(state="in_review", published_at=None, **fields)
    SourceFactory(claim=review.claim)
    return review


def utc(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def assert_mirrors_the_published_set(partner):
    published = {r.pk: r for r in Review.objects.filter(state="published")}
    assert set(partner.mirror) == set(published)
    for pk, review in published.items():
        item = partner.mirror[pk]
        assert item["updated_at"] == utc(review.updated_at)
        assert item["rating"]["slug"] == review.rating.slug
        assert item["conclusion"] == review.conclusion


@pytest.mark.django_db
def test_a_partner_walking_the_feed_while_verdicts_change_ends_with_the_published_set(client):
    walk_the_feed_while_verdicts_change(client)


@pytest.mark.django_db(transaction=True)
def test_the_same_with_answers_kept_under_the_version_stamp(client, settings):
    """Kept answers (claims/api/caching.py) must not hide a single change from the walk."""
    settings.API_CACHE_SECONDS = 300
    walk_the_feed_while_verdicts_change(client)


def walk_the_feed_while_verdicts_change(client):
    editor = StaffFactory()
    reviews = [published_verdict() for _ in range(6)]
    drafts = [draft_ready_to_publish() for _ in range(3)]
    partner = Partner(client)

    assert partner.fetch_page()  # reviews 0 and 1
    correct_review(reviews[0], "Chiffre précisé.", editor, conclusion="Faux, à 1 % près.")
    unpublish_review(reviews[2], editor)  # not seen yet
    approve_and_publish(drafts[0], editor)
    reviews[1].delete()  # seen: a tombstone must follow

    assert partner.fetch_page()
    correct_review(reviews[4], "Note.", editor, rating=default_rating("vrai"))  # not seen yet
    unpublish_review(reviews[0], editor)  # seen, then corrected, now gone
    approve_and_publish(drafts[1], editor)
    # A claim whose verdict was unpublished gets a new one, with a new id.
    again = draft_ready_to_publish(claim=reviews[2].claim)
    approve_and_publish(again, editor)
    reviews[3].claim.delete()  # its review goes with it

    partner.catch_up()
    assert_mirrors_the_published_set(partner)
    assert reviews[2].pk not in partner.mirror and again.pk in partner.mirror

    # Polling the last `next` later brings what changed since, and only that.
    already = len(partner.seen)
    assert not partner.fetch_page()
    assert len(partner.seen) == already
    approve_and_publish(drafts[2], editor)
    unpublish_review(reviews[5], editor)
    partner.catch_up()
    assert [(i["id"], i["deleted"]) for i in partner.seen[already:]] == [
        (drafts[2].pk, False),
        (reviews[5].pk, True),
    ]
    assert_mirrors_the_published_set(partner)
    never_public = {d.pk for d in drafts} - set(partner.mirror)
    assert not never_public


@pytest.mark.django_db
def test_deleting_a_public_review_leaves_a_tombstone_and_a_draft_none(client):
    public = published_verdict()
    gone = ReviewFactory(state="unpublished")
    draft = ReviewFactory(state="draft", published_at=None)
    ids = (public.pk, gone.pk, draft.pk)
    public.delete()
    gone.delete()
    draft.delete()
    assert set(Tombstone.objects.values_list("review_id", flat=True)) == {ids[0], ids[1]}
    items = client.get("/api/v1/reviews/").json()["results"]
    assert [(i["id"], i["deleted"]) for i in items] == [(ids[0], True), (ids[1], True)]


@pytest.mark.django_db
def test_filters_narrow_published_reviews_but_never_hide_tombstones(client):
    kept = published_verdict(rating=default_rating("vrai"))
    gone = published_verdict(rating=default_rating("faux"))
    unpublish_review(gone, StaffFactory())
    items = client.get("/api/v1/reviews/?rating=vrai").json()["results"]
    assert [(i["id"], i["deleted"]) for i in items] == [(kept.pk, False), (gone.pk, True)]


@pytest.mark.django_db
def test_rows_younger_than_the_safety_lag_wait_for_the_next_poll(client, settings):
    settings.API_SYNC_SAFETY_LAG = 3600
    review = published_verdict()
    assert client.get("/api/v1/reviews/").json()["results"] == []
    assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 200  # details are live
    settings.API_SYNC_SAFETY_LAG = 0
    assert [i["id"] for i in client.get("/api/v1/reviews/").json()["results"]] == [review.pk]


@pytest.mark.django_db(transaction=True)
def test_a_change_that_commits_late_is_not_skipped(client):
    """A verdict saved early in a slow transaction commits after a later one: the feed holds
    the later one back until the slow transaction ends, so no cursor passes the earlier."""
    editor = StaffFactory()
    slow, fast = draft_ready_to_publish(), draft_ready_to_publish()
    partner = Partner(client)
    partner.catch_up()
    saved, release = threading.Event(), threading.Event()

    def publish_slowly():
        try:
            with transaction.atomic():
                approve_and_publish(slow, editor)
                saved.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=publish_slowly)
    thread.start()
    try:
        assert saved.wait(30)
        approve_and_publish(fast, editor)  # commits now, stamped after `slow`
        partner.catch_up()
        assert fast.pk not in partner.mirror
    finally:
        release.set()
        thread.join(30)
    partner.catch_up()
    assert set(partner.mirror) == {slow.pk, fast.pk}
    assert_mirrors_the_published_set(partner)


@pytest.mark.django_db(transaction=True)
def test_the_horizon_stays_a_safety_lag_behind_the_oldest_writer(settings):
    """A timestamp taken inside ``atomic()`` can precede the transaction's BEGIN, which psycopg
    sends with the first statement: the lag covers that instant too."""
    settings.API_SYNC_SAFETY_LAG = 2
    review = published_verdict()
    began, release = threading.Event(), threading.Event()
    started = {}

    def write_and_hold():
        try:
            with transaction.atomic():
                Review.objects.filter(pk=review.pk).update(synced_at=timezone.now())
                with connection.cursor() as cursor:
                    cursor.execute("SELECT now()")  # the transaction's start
                    started["at"] = cursor.fetchone()[0]
                began.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=write_and_hold)
    thread.start()
    try:
        assert began.wait(30)
        assert sync_horizon() <= started["at"] - timedelta(seconds=2)
    finally:
        release.set()
        thread.join(30)


# Conditional GET: transactions commit for real, so the version stamp moves.


def revalidate(client, url, response):
    return client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])


@pytest.mark.django_db(transaction=True)
def test_lists_and_details_answer_304_without_a_query_until_something_changes(
    client, django_assert_num_queries
):
    review = published_verdict()
    urls = [
        "/api/v1/reviews/",
        f"/api/v1/reviews/{review.pk}/",
        f"/api/v1/reviews/{review.pk}/claimreview",
        "/api/v1/datafeed",
        "/api/v1/claims/",
        f"/api/v1/claims/{review.claim_id}/",
        "/api/v1/speakers/",
        "/api/v1/ratings/",
    ]
    first = {url: client.get(url) for url in urls}
    for response in first.values():
        response.close()  # sent, as a server closes it: the DataFeed's export slot is free
    for url, response in first.items():
        assert response.status_code == 200
        assert response["ETag"], url
        assert "max-age=0" in response["Cache-Control"]
        with django_assert_num_queries(0):
            again = revalidate(client, url, response)
        assert again.status_code == 304, url
        assert again["ETag"] == response["ETag"]

    correct_review(review, "Conclusion précisée.", StaffFactory(), conclusion="Faux, à 2 % près.")
    for url, response in first.items():
        assert revalidate(client, url, response).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_the_feed_gives_no_validators_while_it_holds_rows_back(client, settings):
    """A 304 must not keep a partner from a row that was held back when the ETag was made."""
    settings.API_SYNC_SAFETY_LAG = 3600
    review = published_verdict()
    held = client.get("/api/v1/reviews/")
    assert held.json()["results"] == []
    assert "ETag" not in held and "Last-Modified" not in held
    assert "ETag" in client.get(f"/api/v1/reviews/{review.pk}/")


@pytest.mark.django_db(transaction=True)
def test_if_modified_since_never_hides_a_row_the_feed_held_back(client, settings):
    """Caches may build If-Modified-Since from the Date of an answer without Last-Modified:
    the feed is revalidated by ETag only, and its settled answers carry no Last-Modified."""
    settings.API_SYNC_SAFETY_LAG = 3600
    review = published_verdict()
    held = client.get("/api/v1/reviews/")
    received = http_date()  # the Date a server would give it
    assert held.json()["results"] == []
    settings.API_SYNC_SAFETY_LAG = 0
    again = client.get("/api/v1/reviews/", HTTP_IF_MODIFIED_SINCE=received)
    assert again.status_code == 200
    assert [item["id"] for item in again.json()["results"]] == [review.pk]
    assert "Last-Modified" not in again
    assert revalidate(client, "/api/v1/reviews/", again).status_code == 304


@pytest.mark.django_db(transaction=True)
def test_if_modified_since_alone_also_gives_304(client):
    published_verdict()
    # Last-Modified has whole seconds: it is only given once the change's second is over,
    # or a second change within that second would look unmodified. A change made just now
    # (the stamp set by hand), and a request answered within that same second:
    for _attempt in range(50):
        changed = timezone.now()
        set_stamp(changed)
        response = client.get("/api/v1/claims/")
        if timezone.now().replace(microsecond=0) == changed.replace(microsecond=0):
            break
    else:
        pytest.fail("no request was answered within the second of its change")
    assert "Last-Modified" not in response
    time.sleep(1.05)
    first = client.get("/api/v1/claims/")
    again = client.get("/api/v1/claims/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


CHANGES = [
    "a source's link dies",
    "the speaker's name is corrected",
    "the claim's text is edited",
    "an appearance is added",
    "the rating's label is renamed",
    "the speaker is deleted",
]


@pytest.mark.django_db
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_partners_receive_with_a_review_moves_it_in_the_feed(client, change):
    change_a_related_row_and_catch_up(client, change)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", CHANGES)
def test_a_moved_review_is_not_hidden_by_kept_answers(client, settings, change):
    settings.API_CACHE_SECONDS = 300
    change_a_related_row_and_catch_up(client, change)


def change_a_related_row_and_catch_up(client, change):
    review = published_verdict()
    other = published_verdict()
    partner = Partner(client)
    partner.catch_up()
    assert partner.fetch_page() is False  # caught up: nothing new
    source = review.claim.sources.get()
    if change == "a source's link dies":
        source.status = "dead"
        source.save()
    elif change == "the speaker's name is corrected":
        speaker = review.claim.speaker
        speaker.name = "Herbert Raymond McMaster"
        speaker.save()
    elif change == "the claim's text is edited":
        claim = review.claim
        claim.text = "Le chômage a baissé de 3 % en 2016, selon l'Insee."
        claim.save()
    elif change == "an appearance is added":
        AppearanceFactory(claim=review.claim)
    elif change == "the speaker is deleted":
        review.claim.speaker.delete()  # the claim keeps no speaker (SET NULL, no signal)
    else:
        rating = review.rating
        rating.label_en = "Wrong"
        rating.save()
    partner.seen.clear()
    partner.catch_up()
    moved = [item["id"] for item in partner.seen]
    if change == "the rating's label is renamed" and other.rating_id == review.rating_id:
        assert sorted(moved) == sorted([review.pk, other.pk])
    else:
        assert moved == [review.pk]
    assert_mirrors_the_published_set(partner)
    item = partner.mirror[review.pk]
    if change == "a source's link dies":
        assert [s["status"] for s in item["sources"]] == ["dead"]
    if change == "the speaker is deleted":
        assert item["speaker"] is None


@pytest.mark.django_db
def test_unrelated_or_unpublished_changes_do_not_move_anything(client):
    review = published_verdict()
    draft = ReviewFactory(state="draft", published_at=None)
    partner = Partner(client)
    partner.catch_up()
    partner.seen.clear()
    SourceFactory(claim=draft.claim)
    draft_claim = draft.claim
    draft_claim.text = "Autre chose."
    draft_claim.save()
    partner.catch_up()
    assert partner.seen == [] and set(partner.mirror) == {review.pk}
