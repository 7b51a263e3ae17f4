"""Full API answers kept under the public version stamp (claims/api/caching.py): a repeated
request is answered without a query, but still after the key check and the rate limit, and
never after a change or while the feed holds rows back."""

import time

import pytest
import redis
from django.core.cache import cache
from django.utils import timezone

from claims.api.caching import answers
from claims.api.keys import new_key, revoke_keys
from claims.api.throttling import WINDOW
from claims.models import ApiKey
from claims.publishing import freshness
from claims.publishing.freshness import KEY as VERSION_KEY
from claims.publishing.freshness import public_version
from claims.publishing.verdicts import correct_review, unpublish_review
from claims.views.page_cache import page_key

from .factories import StaffFactory, published_verdict
from .test_api_access import away_from_window_end

# The stamp only moves when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def answers_kept(settings):
    settings.API_CACHE_SECONDS = 300
    settings.API_SYNC_SAFETY_LAG = 0


def urls(review):
    return [
        "/api/v1/reviews/",
        "/api/v1/reviews/?page_size=1",
        f"/api/v1/reviews/{review.pk}/",
        f"/api/v1/reviews/{review.pk}/claimreview?language=en",
        "/api/v1/claims/",
        f"/api/v1/claims/{review.claim_id}/",
        "/api/v1/speakers/",
        "/api/v1/ratings/",
    ]


def test_a_repeated_request_gets_the_same_answer_without_a_query(client, django_assert_num_queries):
    review = published_verdict()
    origin = {"HTTP_ORIGIN": "https://partenaire.example"}
    for url in urls(review):
        first = client.get(url, **origin)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            again = client.get(url, **origin)
        assert again.status_code == 200
        assert again.content == first.content, url
        assert again["Content-Type"] == first["Content-Type"]
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]
        assert again["Access-Control-Allow-Origin"] == "*"


def test_each_address_and_query_has_its_own_answer(client):
    published_verdict()
    published_verdict()
    one = client.get("/api/v1/reviews/?page_size=1").json()
    both = client.get("/api/v1/reviews/?page_size=2").json()
    assert len(one["results"]) == 1 and len(both["results"]) == 2
    # Absolute links are made from the host the partner asked.
    other = client.get("/api/v1/reviews/?page_size=1", HTTP_HOST="127.0.0.1").json()
    assert other["next"].startswith("http://127.0.0.1/")
    assert one["next"].startswith("http://testserver/")


def test_a_change_partners_could_see_is_served_at_once(client):
    review = published_verdict()
    before = client.get(f"/api/v1/reviews/{review.pk}/").json()
    correct_review(review, "Conclusion précisée.", StaffFactory(), conclusion="Faux, à 2 %.")
    after = client.get(f"/api/v1/reviews/{review.pk}/").json()
    assert (before["conclusion"], after["conclusion"]) == (review.conclusion, "Faux, à 2 %.")
    unpublish_review(review, StaffFactory())
    assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    feed = client.get("/api/v1/reviews/").json()["results"]
    assert feed == [{"id": review.pk, "deleted": True, "updated_at": feed[0]["updated_at"]}]


def test_kept_answers_are_still_counted_against_the_rate_limit(client, settings):
    published_verdict()
    settings.API_ANON_RATE = 2
    statuses = [client.get("/api/v1/ratings/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_kept_answer_is_not_served_to_a_revoked_key(client):
    published_verdict()
    api_key = ApiKey(name="Partenaire")
    key = new_key(api_key)
    api_key.save()
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert client.get("/api/v1/ratings/", **headers).status_code == 200
    revoke_keys(ApiKey.objects.filter(pk=api_key.pk))
    assert client.get("/api/v1/ratings/", **headers).status_code == 401


def test_the_feed_is_not_kept_while_it_holds_rows_back(client, settings):
    settings.API_SYNC_SAFETY_LAG = 3600
    published_verdict()
    assert client.get("/api/v1/reviews/").json()["results"] == []
    settings.API_SYNC_SAFETY_LAG = 0
    assert len(client.get("/api/v1/reviews/").json()["results"]) == 1


def test_errors_and_the_streamed_datafeed_are_not_kept(client, django_assert_max_num_queries):
    review = published_verdict()
    assert client.get("/api/v1/reviews/999999/").status_code == 404
    with django_assert_max_num_queries(10) as queries:
        client.get("/api/v1/reviews/999999/")
    assert len(queries) >= 1
    first = b"".join(client.get("/api/v1/datafeed").streaming_content)
    again = client.get("/api/v1/datafeed")
    assert again.streaming and b"".join(again.streaming_content) == first
    assert str(review.pk).encode() in first


def test_a_new_stamp_leaves_every_kept_answer_behind(client, django_assert_max_num_queries):
    published_verdict()
    client.get("/api/v1/ratings/")
    # As after a Redis restart: the next request makes a new stamp.
    cache.delete_many([VERSION_KEY, freshness.LEGACY_KEY])
    with django_assert_max_num_queries(5) as queries:
        client.get("/api/v1/ratings/")
    assert len(queries) >= 1


def test_off_when_api_cache_seconds_is_0(client, settings, django_assert_max_num_queries):
    settings.API_CACHE_SECONDS = 0
    published_verdict()
    client.get("/api/v1/ratings/")
    with django_assert_max_num_queries(5) as queries:
        client.get("/api/v1/ratings/")
    assert len(queries) >= 1


def test_answers_stay_in_the_process_within_their_budget(client, settings):
    review = published_verdict()
    response = client.get(f"/api/v1/reviews/{review.pk}/")
    assert 0 < answers.nbytes <= settings.API_CACHE_BYTES
    # Nothing in Redis, which is also the Celery broker.
    assert cache.get(page_key(response.wsgi_request, public_version()[0])) is None
    settings.API_CACHE_BYTES = 100  # smaller than any answer: nothing is kept
    answers.clear()
    client.get(f"/api/v1/reviews/{review.pk}/")
    assert answers.nbytes == 0


def test_a_client_over_its_limit_gets_the_429_counted_once(client, settings):
    published_verdict()
    settings.API_ANON_RATE = 2
    away_from_window_end()
    statuses = [client.get("/api/v1/ratings/").status_code for _ in range(3)]  # built, kept, …
    assert statuses == [200, 200, 429]
    counters = redis.Redis.from_url(settings.REDIS_URL)
    window = int(time.time() // WINDOW)
    assert int(counters.get(f"{settings.API_RATE_KEY_PREFIX}:ip:127.0.0.1:{window}")) == 3


def test_a_304_is_not_counted_but_the_key_is_still_checked(client, settings):
    published_verdict()
    settings.API_ANON_RATE = 1
    away_from_window_end()
    first = client.get("/api/v1/ratings/")
    for _ in range(5):
        again = client.get("/api/v1/ratings/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
    assert client.get("/api/v1/ratings/").status_code == 429  # the second full answer
    revoked = ApiKey(name="Ancien partenaire", revoked_at=timezone.now())
    key = new_key(revoked)
    revoked.save()
    refused = client.get(
        "/api/v1/ratings/", HTTP_IF_NONE_MATCH=first["ETag"], HTTP_AUTHORIZATION=f"Api-Key {key}"
    )
    assert refused.status_code == 401


def test_an_unusual_accept_is_neither_answered_from_the_cache_nor_fills_it(client):
    published_verdict()
    indented = client.get("/api/v1/ratings/", HTTP_ACCEPT="application/json; indent=4")
    assert indented.status_code == 200 and b"\n    " in indented.content
    compact = client.get("/api/v1/ratings/")
    assert b"\n" not in compact.content
    assert client.get("/api/v1/ratings/").content == compact.content  # kept
    assert client.get("/api/v1/ratings/", HTTP_ACCEPT="text/html").status_code == 406
    again = client.get("/api/v1/ratings/", HTTP_ACCEPT="application/json; indent=4")
    assert again.content == indented.content
