"""The partner API's resources, filters, ClaimReview export, errors, schema and docs page."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.utils import timezone, translation
from drf_spectacular.validation import validate_schema

from claims.api import serializers as s
from claims.api.feed import feed_reviews
from claims.api.schema_views import openapi_schema
from claims.models import Correction, Review, Speaker

from .factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    RatingFactory,
    ReviewFactory,
    SourceFactory,
    SpeakerFactory,
    default_rating,
    published_verdict,
)

pytestmark = pytest.mark.django_db

UNPUBLISHED_STATES = ["draft", "in_review", "unpublished"]


@pytest.fixture(autouse=True)
def _no_sync_lag(settings):
    """The feed holds back rows younger than the safety lag; these tests read at once."""
    settings.API_SYNC_SAFETY_LAG = 0


def live_ids(body):
    return [item["id"] for item in body["results"] if not item["deleted"]]


def hidden_review(state):
    """A review readers may not see; unpublished ones were public once."""
    if state == "unpublished":
        return ReviewFactory(state=state)
    return ReviewFactory(state=state, published_at=None)


class TestReviews:
    def test_a_review_carries_everything_partners_need(self, client, settings):
        settings.PUBLIC_BASE_URL = "https://verif.example.org"
        speaker = SpeakerFactory(name="Jean Martin", role="ministre", wikidata_id="Q42")
        review = published_verdict(
            sources=0,
            appearances=0,
            corrections=1,
            claim=ClaimFactory(speaker=speaker, text="La dette a baissé de 2 %.", language="fr"),
            rating=default_rating("faux"),
            conclusion="Elle a augmenté.",
            published_at=datetime(2024, 3, 5, 9, tzinfo=UTC),
        )
        article = ArticleFactory(
            title="Le débat", url="https://news.example/debat", outlet="AFP",
            published_at=datetime(2024, 3, 1, 12, tzinfo=UTC),
        )  # fmt: skip
        AppearanceFactory(claim=review.claim, article=article)
        source = SourceFactory(claim=review.claim, url="https://insee.example/1", title="Insee")
        review.refresh_from_db()

        body = client.get("/api/v1/reviews/").json()
        assert body["has_more"] is False
        [item] = body["results"]
        assert item["id"] == review.pk
        assert item["deleted"] is False
        assert item["url"] == f"https://verif.example.org/fr/verdicts/{review.pk}/{review.slug}/"
        assert item["language"] == "fr"
        assert item["published_at"] == "2024-03-05T09:00:00Z"
        assert datetime.fromisoformat(item["updated_at"]) == review.updated_at
        assert item["claim"] == {
            "id": review.claim_id,
            "text": "La dette a baissé de 2 %.",
            "quotation": "",
            "language": "fr",
            "type": "quantity",
        }
        assert item["speaker"] == {
            "id": speaker.pk, "name": "Jean Martin", "kind": "person", "role": "ministre",
            "wikidata_id": "Q42",
        }  # fmt: skip
        rating = default_rating("faux")
        assert item["rating"] == {
            "id": rating.pk, "slug": "faux", "label_fr": rating.label_fr,
            "label_en": rating.label_en, "value": rating.value,
        }  # fmt: skip
        assert item["conclusion"] == "Elle a augmenté."
        assert item["explanation"] == review.explanation
        assert item["appearances"] == [
            {"title": "Le débat", "url": "https://news.example/debat", "outlet": "AFP",
             "date": "2024-03-01"},
        ]  # fmt: skip
        assert item["sources"] == [
            {"url": source.url, "title": "Insee", "kind": "official", "status": "unchecked",
             "last_checked_at": None},
        ]  # fmt: skip
        correction = review.corrections.get()
        assert item["corrections"] == [
            {"date": timezone.localtime(correction.created_at).date().isoformat(),
             "note": correction.note},
        ]  # fmt: skip

    def test_items_are_exactly_what_the_review_serializer_gives(self, client, settings):
        """The feed and the detail build their items without DRF, for speed (claims/api/items.py);
        ReviewSerializer, which the OpenAPI schema describes, stays the specification."""
        settings.PUBLIC_BASE_URL = "https://verif.example.org"
        full = published_verdict(sources=2, appearances=2, corrections=2)
        checked = full.claim.sources.first()
        checked.status, checked.last_checked_at = "ok", datetime(2024, 5, 6, 7, 8, 9, 123, UTC)
        checked.save()
        Correction.objects.filter(review=full).update(  # a date that differs in Paris and UTC
            created_at=datetime(2024, 5, 6, 23, 30, tzinfo=UTC)
        )
        bare = published_verdict(
            sources=0,
            appearances=0,
            claim=ClaimFactory(
                speaker=None, language="en", text="Wages rose by 3%.", quotation="«Q»"
            ),
            rating=default_rating("manque-de-contexte"),  # no value
        )
        pasted = published_verdict(appearances=0)  # an article with neither address nor date
        AppearanceFactory(claim=pasted.claim, article=ArticleFactory(url="", published_at=None))
        ids = [full.pk, bare.pk, pasted.pk]
        expected = s.ReviewSerializer(
            feed_reviews().filter(pk__in=ids).order_by("pk"),
            many=True,
            context={"base_url": "https://verif.example.org"},
        ).data
        expected = json.loads(json.dumps(expected))
        served = client.get("/api/v1/reviews/?page_size=10").json()["results"]
        assert sorted(served, key=lambda item: item["id"]) == expected
        for item in expected:  # same keys in the same order, too
            detail = client.get(f"/api/v1/reviews/{item['id']}/").json()
            assert json.dumps(detail) == json.dumps(item)

    def test_the_detail_is_the_list_item(self, client):
        review = published_verdict(sources=2, appearances=2, corrections=2)
        [item] = client.get("/api/v1/reviews/").json()["results"]
        assert client.get(f"/api/v1/reviews/{review.pk}/").json() == item

    def test_the_canonical_url_uses_the_request_host_without_public_base_url(self, client):
        review = published_verdict()
        item = client.get(f"/api/v1/reviews/{review.pk}/").json()
        assert item["url"] == f"http://testserver/fr/verdicts/{review.pk}/{review.slug}/"

    def test_an_english_verdict_links_to_the_english_page(self, client):
        claim = ClaimFactory(language="en", text="Wages rose by 3%.")
        review = published_verdict(claim=claim, language="en", conclusion="Wages fell.")
        item = client.get(f"/api/v1/reviews/{review.pk}/").json()
        assert item["url"].endswith(f"/en/verdicts/{review.pk}/wages-rose-by-3/")
        assert item["language"] == item["claim"]["language"] == "en"

    def test_a_french_verdict_on_an_english_claim_links_to_the_french_page(self, client):
        claim = ClaimFactory(language="en", text="Wages rose by 3%.")
        review = published_verdict(claim=claim, language="fr")
        item = client.get(f"/api/v1/reviews/{review.pk}/").json()
        assert item["url"].endswith(f"/fr/verdicts/{review.pk}/wages-rose-by-3/")
        assert (item["language"], item["claim"]["language"]) == ("fr", "en")
        # The feed's page builds items its own way (claims.api.items): the same answer.
        listed = client.get("/api/v1/reviews/").json()["results"]
        assert [i for i in listed if i["id"] == review.pk] == [item]

    @pytest.mark.parametrize("state", UNPUBLISHED_STATES)
    def test_unpublished_work_never_appears_not_even_by_id(self, client, state):
        hidden = hidden_review(state)
        SourceFactory(claim=hidden.claim)
        shown = published_verdict()
        assert live_ids(client.get("/api/v1/reviews/").json()) == [shown.pk]
        for url in (f"/api/v1/reviews/{hidden.pk}/", f"/api/v1/reviews/{hidden.pk}/claimreview"):
            response = client.get(url)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        assert client.get(f"/api/v1/claims/{hidden.claim_id}/").status_code == 404
        speaker = hidden.claim.speaker_id
        assert client.get(f"/api/v1/speakers/{speaker}/").status_code == 404

    def test_only_unpublished_reviews_appear_as_tombstones_never_drafts(self, client):
        gone = ReviewFactory(state="unpublished")
        ReviewFactory(state="draft", published_at=None)
        ReviewFactory(state="in_review", published_at=None)
        [item] = client.get("/api/v1/reviews/").json()["results"]
        assert item == {
            "id": gone.pk,
            "deleted": True,
            "updated_at": gone.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        }


class TestFilters:
    def test_by_rating_speaker_and_language(self, client):
        speaker = SpeakerFactory()
        vrai = published_verdict(rating=default_rating("vrai"))
        by_speaker = published_verdict(claim=ClaimFactory(speaker=speaker))
        english = published_verdict(claim=ClaimFactory(language="en"), language="en")
        # The filter is on the verdict's language, as the item's `language` is.
        on_english_claim = published_verdict(claim=ClaimFactory(language="en"), language="fr")

        def ids(query):
            return set(live_ids(client.get(f"/api/v1/reviews/?{query}").json()))

        assert ids("rating=vrai") == {vrai.pk}
        assert ids(f"speaker={speaker.pk}") == {by_speaker.pk}
        assert ids("language=en") == {english.pk}
        assert ids("language=fr&rating=faux") == {by_speaker.pk, on_english_claim.pk}

    def test_by_rating_of_one_scale_as_the_public_pages_name_it(self, client):
        """A slug two scales share names both; ``<scale slug>.<slug>`` names one."""
        default_false = published_verdict(rating=default_rating("faux"))
        other_false = published_verdict(rating=RatingFactory(scale__slug="flip", slug="faux"))

        def ids(query):
            return set(live_ids(client.get(f"/api/v1/reviews/?{query}").json()))

        assert ids("rating=faux") == {default_false.pk, other_false.pk}
        assert ids("rating=flip.faux") == {other_false.pk}
        assert ids(f"rating={default_false.rating.scale.slug}.faux") == {default_false.pk}
        assert ids("rating=flip.vrai") == set()

    def test_by_updated_range(self, client):
        old, mid, new = (published_verdict() for _ in range(3))
        stamps = {
            old: datetime(2024, 1, 1, tzinfo=UTC),
            mid: datetime(2024, 6, 1, tzinfo=UTC),
            new: datetime(2025, 1, 1, tzinfo=UTC),
        }
        for review, stamp in stamps.items():
            Review.objects.filter(pk=review.pk).update(updated_at=stamp, synced_at=stamp)

        def ids(query):
            return live_ids(client.get(f"/api/v1/reviews/?{query}").json())

        assert ids("updated_since=2024-06-01T00:00:00Z") == [mid.pk, new.pk]
        assert ids("updated_before=2024-06-01T00:00:00%2B00:00") == [old.pk]
        assert ids("updated_since=2024-02-01T00:00Z&updated_before=2024-12-01T00:00Z") == [mid.pk]
        # Offsets that ISO 8601 allows and PostgreSQL does not (beyond ±15:59) are compared in
        # UTC, not sent as they are (schemathesis found the 500).
        assert ids("updated_since=2024-06-01T22:40:00%2B22:40") == [mid.pk, new.pk]
        assert ids("updated_before=2777-09-30T19:03:00.661890%2B22:40") == [old.pk, mid.pk, new.pk]
        response = client.get("/api/v1/reviews/?updated_since=0001-01-01T00:00:00%2B01:00")
        assert response.status_code == 400
        assert "updated_since" in response.json()["error"]["details"]

    def test_claims_by_speaker_and_language(self, client):
        speaker = SpeakerFactory()
        mine = published_verdict(claim=ClaimFactory(speaker=speaker, language="en"))
        published_verdict()
        body = client.get(f"/api/v1/claims/?speaker={speaker.pk}&language=en").json()
        assert [c["id"] for c in body["results"]] == [mine.claim_id]

    @pytest.mark.parametrize(
        "query, field",
        [
            ("language=de", "language"),
            ("speaker=abc", "speaker"),
            ("updated_since=yesterday", "updated_since"),
            # Without a zone it would be read in Paris time: a partner sending UTC misses an hour.
            ("updated_before=2024-06-01T12:00:00", "updated_before"),
            ("updated_since=2024-06-01", "updated_since"),
            ("speaker=12.9", "speaker"),
            ("page_size=0", "page_size"),
            ("page_size=201", "page_size"),
            ("cursor=not-a-cursor", "cursor"),
        ],
    )
    def test_an_invalid_parameter_is_a_400_saying_which(self, client, query, field):
        response = client.get(f"/api/v1/reviews/?{query}")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["message"]
        assert list(error["details"]) == [field]


class TestOtherResources:
    def test_claims_list_and_detail(self, client):
        review = published_verdict(claim=ClaimFactory(quotation="« baissé »"))
        hidden_review("draft")
        body = client.get("/api/v1/claims/").json()
        assert body["next"] is None
        [claim] = body["results"]
        assert claim["id"] == review.claim_id
        assert claim["review"] == review.pk
        assert claim["quotation"] == "« baissé »"
        assert claim["speaker"]["id"] == review.claim.speaker_id
        assert client.get(f"/api/v1/claims/{review.claim_id}/").json() == claim

    def test_a_claim_reviewed_again_points_to_its_new_review(self, client):
        old = ReviewFactory(state="unpublished")
        new = published_verdict(claim=old.claim)
        assert client.get(f"/api/v1/claims/{old.claim_id}/").json()["review"] == new.pk

    def test_speakers_list_and_detail_count_published_reviews_only(self, client):
        speaker = SpeakerFactory(name="Ada", kind=Speaker.Kind.ORGANISATION)
        published_verdict(claim=ClaimFactory(speaker=speaker))
        published_verdict(claim=ClaimFactory(speaker=speaker))
        ReviewFactory(claim=ClaimFactory(speaker=speaker), state="draft", published_at=None)
        hidden_review("draft")  # its speaker is known from a draft only
        [item] = client.get("/api/v1/speakers/").json()["results"]
        assert item["id"] == speaker.pk
        assert item["kind"] == "organisation"
        assert item["published_reviews"] == 2
        assert item["url"] == f"http://testserver/fr/speakers/{speaker.pk}/ada/"
        assert client.get(f"/api/v1/speakers/{speaker.pk}/").json() == item

    def test_ratings_are_the_scale(self, client):
        faux = default_rating("faux")
        ratings = client.get("/api/v1/ratings/").json()
        assert [r["slug"] for r in ratings][:1] and {"faux", "vrai"} <= {r["slug"] for r in ratings}
        item = next(r for r in ratings if r["slug"] == "faux")
        assert item["label_fr"] == faux.label_fr and item["label_en"] == faux.label_en
        assert item["value"] == faux.value and item["scale"] == faux.scale.slug
        assert client.get(f"/api/v1/ratings/{faux.pk}/").json() == item
        assert client.get("/api/v1/ratings/999999/").status_code == 404

    def test_id_lists_page_with_a_cursor(self, client):
        reviews = [published_verdict() for _ in range(5)]
        seen, url = [], "/api/v1/claims/?page_size=2"
        while url:
            body = client.get(url).json()
            seen += [c["id"] for c in body["results"]]
            url = body["next"]
        assert seen == sorted(r.claim_id for r in reviews)


def page_claim_review(client, review, language):
    with translation.override(language):
        html = client.get(review.get_absolute_url()).content.decode()
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


class TestClaimReview:
    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_is_exactly_what_the_verdict_page_embeds(self, client, settings, language):
        settings.PUBLIC_BASE_URL = "https://verif.example.org"
        review = published_verdict(
            appearances=3,
            claim=ClaimFactory(language=language),
            language=language,
            rating=default_rating("vrai"),
        )
        response = client.get(f"/api/v1/reviews/{review.pk}/claimreview")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        assert response.json() == page_claim_review(client, review, language)

    def test_labels_in_another_language_on_request(self, client):
        review = published_verdict()
        data = client.get(f"/api/v1/reviews/{review.pk}/claimreview?language=en").json()
        assert data == page_claim_review(client, review, "en")

    def test_served_as_json_ld_whatever_the_client_accepts(self, client):
        review = published_verdict()
        response = client.get(
            f"/api/v1/reviews/{review.pk}/claimreview", HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"

    def test_the_datafeed_holds_every_published_review_and_nothing_else(self, client):
        reviews = [published_verdict(appearances=2) for _ in range(3)]
        english = published_verdict(claim=ClaimFactory(language="en"), language="en")
        # Each element is in its verdict's language, not its claim's.
        on_english_claim = published_verdict(claim=ClaimFactory(language="en"), language="fr")
        for state in UNPUBLISHED_STATES:
            hidden_review(state)
        response = client.get("/api/v1/datafeed")
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "application/ld+json"
        feed = json.loads(b"".join(response.streaming_content))
        assert feed["@context"] == "https://schema.org"
        assert feed["@type"] == "DataFeed"
        elements = feed["dataFeedElement"]
        expected = []
        for review in [*reviews, english, on_english_claim]:
            element = page_claim_review(client, review, review.language)
            del element["@context"]
            expected.append(element)
        assert elements == expected

    def test_one_datafeed_export_at_a_time_the_next_is_told_when_to_retry(self, client):
        published_verdict()
        first = client.get("/api/v1/datafeed")
        assert first.status_code == 200
        busy = client.get("/api/v1/datafeed")
        assert (busy.status_code, busy["Retry-After"]) == (429, "60")
        assert busy.json()["error"]["code"] == "throttled"
        # The first export read to its end (the server then closes it), the slot is free.
        assert len(json.loads(b"".join(first.streaming_content))["dataFeedElement"]) == 1
        again = client.get("/api/v1/datafeed")
        assert again.status_code == 200
        again.close()  # as the server does when a client leaves before the end
        assert client.get("/api/v1/datafeed").status_code == 200

    def test_the_datafeed_of_nothing_is_an_empty_feed(self, client):
        response = client.get("/api/v1/datafeed")
        assert json.loads(b"".join(response.streaming_content))["dataFeedElement"] == []


class TestErrors:
    def test_an_unknown_address_is_a_json_404(self, client):
        response = client.get("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_an_id_longer_than_any_row_id_is_a_json_404(self, client):
        for kind in ("reviews", "claims", "speakers", "ratings"):
            response = client.get(f"/api/v1/{kind}/{'9' * 19}/")
            assert response.status_code == 404, kind
            assert response.json()["error"]["code"] == "not_found"

    def test_no_method_on_any_endpoint_is_a_server_error(self, client):
        review = published_verdict()
        client.raise_request_exception = False
        urls = [
            *(path.replace("{id}", str(review.pk)) for path in TestSchemaAndDocs.PATHS),
            "/api/v1/schema/",
            "/api/v1/docs/",
            "/api/v1/docs/?script",
        ]
        for url in urls:
            for method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE"):
                response = client.generic(method, url)
                assert response.status_code < 500, (method, url)

    @pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/docs/?script"])
    def test_the_docs_page_is_only_read(self, client, url):
        for method in ("OPTIONS", "POST", "PUT", "PATCH", "DELETE"):
            response = client.generic(method, url)
            assert response.status_code == 405, method
            assert response["Allow"] == "GET, HEAD"
            assert response.json()["error"]["code"] == "method_not_allowed"
        assert client.head(url).status_code == 200

    def test_the_api_is_read_only(self, client):
        review = published_verdict()
        for url in ("/api/v1/reviews/", f"/api/v1/reviews/{review.pk}/"):
            response = client.post(url, {})
            assert response.status_code == 405
            assert response.json()["error"]["code"] == "method_not_allowed"
            assert "GET" in response["Allow"]

    @pytest.mark.parametrize(
        "accept",
        [None, "*/*", "application/json", "application/json, */*", "text/html, */*;q=0.8"],
    )
    def test_json_for_any_accept_that_takes_it(self, client, accept):
        headers = {} if accept is None else {"HTTP_ACCEPT": accept}
        response = client.get("/api/v1/ratings/", **headers)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"

    def test_406_for_an_accept_that_refuses_json(self, client):
        response = client.get("/api/v1/ratings/", HTTP_ACCEPT="text/html")
        assert response.status_code == 406
        assert response.json()["error"]["code"] == "not_acceptable"

    def test_drf_s_format_parameter_still_works(self, client):
        assert client.get("/api/v1/ratings/?format=json").status_code == 200
        assert client.get("/api/v1/ratings/?format=xml").status_code == 404


class TestSchemaAndDocs:
    PATHS = {
        "/api/v1/reviews/",
        "/api/v1/reviews/{id}/",
        "/api/v1/reviews/{id}/claimreview",
        "/api/v1/datafeed",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/speakers/",
        "/api/v1/speakers/{id}/",
        "/api/v1/ratings/",
        "/api/v1/ratings/{id}/",
    }

    def test_the_schema_is_valid_openapi_3_with_every_endpoint(self, client):
        response = client.get("/api/v1/schema/")
        assert response.status_code == 200
        schema = yaml.safe_load(response.content)
        validate_schema(schema)
        assert schema["openapi"].startswith("3.")
        assert set(schema["paths"]) == self.PATHS
        for operations in schema["paths"].values():
            assert set(operations) == {"get"}
            assert operations["get"]["summary"]
        parameters = {p["name"] for p in schema["paths"]["/api/v1/reviews/"]["get"]["parameters"]}
        assert parameters == {
            "cursor", "page_size", "rating", "speaker", "language", "updated_since",
            "updated_before",
        }  # fmt: skip
        as_json = client.get("/api/v1/schema/?format=json").json()
        assert set(as_json["paths"]) == self.PATHS

    def test_the_schema_is_generated_once_per_release(self, client, settings):
        openapi_schema.cache_clear()
        first = client.get("/api/v1/schema/")
        assert client.get("/api/v1/schema/").content == first.content
        assert client.get("/api/v1/schema/?format=json").status_code == 200
        assert openapi_schema.cache_info().misses == 1
        settings.RELEASE = "a-new-release"
        client.get("/api/v1/schema/")
        assert openapi_schema.cache_info().misses == 2

    def test_the_schema_in_english_on_request(self, client):
        french = client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="fr").content
        english = client.get("/api/v1/schema/?lang=en").content
        assert english != french
        assert client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="en").content == english
        assert client.get("/api/v1/schema/?lang=xx").content == french

    @pytest.mark.parametrize(
        "url", ["/api/v1/schema/", "/api/v1/schema/?format=json", "/api/v1/docs/"]
    )
    def test_the_schema_and_docs_page_answer_304_to_their_etag(self, client, url):
        first = client.get(url)
        assert first["ETag"]
        assert "max-age=0" in first["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]

    def test_the_schema_s_etag_is_its_representation_s(self, client):
        as_yaml = client.get("/api/v1/schema/")["ETag"]
        as_json = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert as_json["ETag"] != as_yaml
        response = client.get(
            "/api/v1/schema/",
            HTTP_ACCEPT="application/vnd.oai.openapi+json",
            HTTP_IF_NONE_MATCH=as_yaml,
        )
        assert response.status_code == 200

    def test_the_docs_page_loads_nothing_from_elsewhere_and_runs_no_inline_script(self, client):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert not re.search(r"(src|href)=\"(https?:)?//", html)
        assert "<style" not in html
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        for asset in re.findall(r'(?:src|href)="/static/([^"?]+)', html):
            assert finders.find(asset), asset
        init = client.get(re.findall(r'<script src="(/api/v1/docs/\?[^"]*)"', html)[0])
        assert init.status_code == 200
        assert "javascript" in init["Content-Type"]
        assert "/api/v1/schema/" in init.content.decode()


class TestQueries:
    def test_constant_queries_whatever_the_page_size(self, client, django_assert_max_num_queries):
        for _ in range(200):
            published_verdict(sources=2, appearances=2, corrections=1)
        ReviewFactory(state="unpublished")
        published_verdict().delete()
        for size in (1, 20, 200):
            # horizon, keys, reviews, then appearances, sources and corrections
            with django_assert_max_num_queries(6):
                body = client.get(f"/api/v1/reviews/?page_size={size}").json()
            assert len(body["results"]) == size
            with django_assert_max_num_queries(1):
                body = client.get(f"/api/v1/claims/?page_size={size}").json()
            assert len(body["results"]) == size
            with django_assert_max_num_queries(1):
                body = client.get(f"/api/v1/speakers/?page_size={size}").json()
            assert len(body["results"]) == size
        # scale bounds, then reviews and their appearances per chunk of 500
        with django_assert_max_num_queries(3):
            response = client.get("/api/v1/datafeed")
            assert len(json.loads(b"".join(response.streaming_content))["dataFeedElement"]) == 200
        review = Review.objects.filter(state="published").last()
        with django_assert_max_num_queries(3):
            assert client.get(f"/api/v1/reviews/{review.pk}/claimreview").status_code == 200


def test_updated_at_in_utc_with_microseconds(client):
    review = published_verdict()
    stamp = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    Review.objects.filter(pk=review.pk).update(updated_at=stamp)
    item = client.get(f"/api/v1/reviews/{review.pk}/").json()
    assert item["updated_at"] == "2024-01-02T03:04:05.678901Z"
    assert timedelta(0) == datetime.fromisoformat(item["updated_at"]) - stamp
