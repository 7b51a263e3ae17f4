"""Schemathesis against the partner API's own OpenAPI schema (docs/api.md).

Every operation of ``/api/v1/schema/`` is called in-process through the WSGI application
with inputs generated from the schema, valid and invalid (schemathesis's coverage and
fuzzing phases): path ids, filters, cursors, page sizes, instants, languages. Each response
must be no 5xx, have a documented status code and content type, and a body that conforms;
valid input must be accepted and invalid input rejected. Generated ids and filter values are
mixed with those of real rows, published and hidden, so that detail pages are found too and
a draft never shows.
"""

import base64
import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from claims.api.feed import encode_cursor
from claims.models import Article, Claim, Rating, Review, Speaker, Tombstone
from factcheck.wsgi import application

from .factories import (
    ClaimFactory,
    ReviewFactory,
    SpeakerFactory,
    default_rating,
    published_verdict,
)

# Examples per operation in the fuzzing phase; the coverage phase adds its boundary cases.
MAX_EXAMPLES = 30
SEED = 20250305


@pytest.fixture(scope="module")
def api_rows(django_db_setup, django_db_blocker):
    """Published verdicts and hidden ones, committed for the whole module.

    Hypothesis runs many examples inside one test, so the rows must outlive each example:
    they are created once, outside the tests' transactions, and deleted at the end.
    """
    with django_db_blocker.unblock():
        before = {model: set(model.objects.values_list("pk", flat=True)) for model in MODELS}
        fr_speaker, en_speaker, hidden_speaker = (SpeakerFactory() for _ in range(3))
        published = [
            published_verdict(
                corrections=1, claim=ClaimFactory(speaker=fr_speaker), rating=default_rating("faux")
            ),
            published_verdict(
                claim=ClaimFactory(speaker=fr_speaker), rating=default_rating("vrai")
            ),
            published_verdict(appearances=2, claim=ClaimFactory(speaker=en_speaker, language="en")),
            published_verdict(sources=0, appearances=0, claim=ClaimFactory(speaker=None)),
        ]
        hidden = [
            ReviewFactory(
                claim=ClaimFactory(speaker=hidden_speaker), state=state, published_at=None
            )
            for state in ("draft", "in_review")
        ]
        hidden.append(ReviewFactory(state="unpublished"))  # a tombstone in the feed
        gone = published_verdict()
        gone_id = gone.pk
        gone.delete()  # a Tombstone row
        rows = {
            "reviews": [r.pk for r in published],
            "claims": [r.claim_id for r in published],
            "speakers": [fr_speaker.pk, en_speaker.pk],
            "ratings": list(Rating.objects.values_list("pk", flat=True)),
            "rating_slugs": list(Rating.objects.values_list("slug", flat=True)),
            "hidden_reviews": [r.pk for r in hidden] + [gone_id],
            "hidden_claims": [r.claim_id for r in hidden],
            "hidden_speakers": [hidden_speaker.pk],
        }
        # Cursors the API gives out: after a review in the feed, after an id in other lists.
        stamp = Review.objects.values_list("updated_at", flat=True).get(pk=published[1].pk)
        rows["feed_cursors"] = [encode_cursor(stamp, published[1].pk)]
        rows["id_cursors"] = [id_cursor(pk) for pk in (1, published[1].claim_id, fr_speaker.pk)]
    yield rows
    with django_db_blocker.unblock():
        for model in MODELS:
            model.objects.exclude(pk__in=before[model]).delete()


# Deleted in this order; deleting reviews writes tombstones, removed last.
MODELS = [Review, Claim, Speaker, Article, Tombstone]


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            # Unknown query parameters are ignored, as partners' cache-busters need; an
            # OpenAPI schema cannot say so, so requests with made-up parameters are not
            # generated as "invalid input that must be refused".
            "allow-extra-parameters": False,
        },
    }
)
# Loaded at collection: one test per operation. (``schemathesis.pytest.from_fixture`` would
# load it per test, but 4.32.5 sets ``Function._nodeid``, which pytest 9 no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, config=CONFIG)

# The rows of ``api_rows``, for the hooks below; filled when the fixture runs.
ROWS = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Generated ids, or ids of real rows: published and hidden."""
    if not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    resource = context.operation.path.split("/")[3]
    ids = {
        "reviews": ROWS["reviews"] + ROWS["hidden_reviews"],
        "claims": ROWS["claims"] + ROWS["hidden_claims"],
        "speakers": ROWS["speakers"] + ROWS["hidden_speakers"],
        "ratings": ROWS["ratings"],
    }[resource]
    return st.one_of(
        st.just(path_parameters),
        st.sampled_from(ids).map(lambda pk: {**path_parameters, "id": pk}),
    )


@schema.hook
def flatmap_query(context, query):
    """Generated filters, or filters on real speakers and ratings."""
    real = {}
    if query and "cursor" in query:
        feed = context.operation.path == "/api/v1/reviews/"
        real["cursor"] = st.sampled_from(ROWS["feed_cursors" if feed else "id_cursors"])
    if query and "speaker" in query:
        real["speaker"] = st.sampled_from(ROWS["speakers"] + ROWS["hidden_speakers"])
    if query and "rating" in query:
        real["rating"] = st.sampled_from(ROWS["rating_slugs"])
    if not real:
        return st.just(query)
    return st.one_of(st.just(query), st.fixed_dictionaries(real).map(lambda r: query | r))


def id_cursor(pk):
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def no_hidden_content(ctx, response, case):
    """Drafts, reviews in review and unpublished ones are never shown, nor their claims."""
    rows = ROWS
    path = case.operation.path
    if case.path_parameters and case.path_parameters.get("id") in {
        "/api/v1/reviews/{id}/": rows["hidden_reviews"],
        "/api/v1/reviews/{id}/claimreview": rows["hidden_reviews"],
        "/api/v1/claims/{id}/": rows["hidden_claims"],
        "/api/v1/speakers/{id}/": rows["hidden_speakers"],
    }.get(path, []):
        assert response.status_code in (400, 404), f"hidden row served: {case.path_parameters}"
    if case.method != "GET" or response.status_code != 200:
        return None
    body = json.loads(response.content)
    if path in ("/api/v1/reviews/", "/api/v1/reviews/{id}/"):
        items = body.get("results", [body])
        for item in items:
            if not item["deleted"]:
                assert item["id"] not in rows["hidden_reviews"], item["id"]
                assert item["claim"]["id"] not in rows["hidden_claims"], item["id"]
    if path in ("/api/v1/claims/", "/api/v1/claims/{id}/"):
        for item in body.get("results", [body]):
            assert item["id"] not in rows["hidden_claims"], item["id"]
    if path in ("/api/v1/speakers/", "/api/v1/speakers/{id}/"):
        for item in body.get("results", [body]):
            assert item["id"] not in rows["hidden_speakers"], item["id"]
    return None


@pytest.fixture
def _api(api_rows, settings):
    ROWS.clear()
    ROWS.update(api_rows)
    settings.API_SYNC_SAFETY_LAG = 0  # the feed serves the rows above at once
    settings.API_ANON_RATE = 10**6  # the rate limit has tests of its own
    # The app is called through WSGI, not Django's test client: as that client does, keep
    # Django from closing the connection (inside the test's transaction) after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_api")
@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_to_the_schema(case):
    assert connection.in_atomic_block  # whatever a request writes is rolled back
    excluded = []
    given = (None, "", *ROWS["feed_cursors"], *ROWS["id_cursors"])
    if (case.query or {}).get("cursor") not in given:
        # A cursor is opaque: the schema can only say "a string", yet only those the API gave
        # out are valid, others get the documented 400. Checked with real cursors otherwise.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(additional_checks=[no_hidden_content], excluded_checks=excluded)


@pytest.mark.django_db
def test_every_operation_declares_its_answer_to_an_unknown_format_and_to_any_accept(
    client, settings
):
    """DRF's negotiation answers 404 to ``?format=xml`` and 406 to ``Accept: application/xml``
    where the view negotiates; the JSON-LD views answer 200 whatever is asked."""
    settings.API_ANON_RATE = 10**6
    review = published_verdict()
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for path, operations in paths.items():
        url = path.replace("{id}", str(review.pk))
        declared = operations["get"]["responses"]
        for response in (
            client.get(url, {"format": "xml"}),
            client.get(url, HTTP_ACCEPT="application/xml"),
        ):
            assert str(response.status_code) in declared, (path, response.status_code)
            if response.status_code >= 400:
                assert response["Content-Type"] in declared[str(response.status_code)]["content"]
