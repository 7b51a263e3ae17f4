"""Full-text search over published verdicts: accent-insensitive, French and English, ranked."""

import pytest

from claims.models import Review
from claims.publishing.search import refresh_search_vectors, search_reviews
from claims.publishing.verdicts import published_reviews

from .factories import ClaimFactory, ReviewFactory, published_verdict

pytestmark = pytest.mark.django_db


def found(text):
    return list(search_reviews(published_reviews(), text))


def test_accents_and_inflections_do_not_matter():
    review = published_verdict(claim=ClaimFactory(text="Les élections régionales ont eu lieu."))
    assert found("election") == [review]
    assert found("ÉLECTIONS RÉGIONALES") == [review]
    assert found("regional") == [review]


def test_searches_conclusions_and_explanations_too():
    by_conclusion = published_verdict(conclusion="Le déficit a doublé.")
    by_explanation = published_verdict(explanation="Selon Eurostat, le chômage a reculé.")
    assert found("deficit") == [by_conclusion]
    assert found("eurostat") == [by_explanation]


def test_english_claims_are_stemmed_in_english():
    review = published_verdict(claim=ClaimFactory(language="en", text="Wages were rising fast."))
    assert found("wage rise") == [review]


def test_the_claim_weighs_more_than_the_explanation():
    in_explanation = published_verdict(explanation="Il évoque aussi la retraite.")
    in_claim = published_verdict(claim=ClaimFactory(text="La retraite à 64 ans rapporte 10 Md€."))
    assert found("retraite") == [in_claim, in_explanation]


def test_reader_syntax_never_fails():
    published_verdict(claim=ClaimFactory(text="La dette atteint 3 000 milliards."))
    for query in ('"dette atteint"', "dette -inflation", "dette OR chômage", "&|!():*", "'"):
        found(query)  # websearch syntax: no error whatever the reader types
    assert len(found('"dette atteint"')) == 1
    assert found('"atteint dette"') == []


def test_only_published_verdicts_are_found_and_vectors_follow_edits():
    ReviewFactory(state=Review.State.DRAFT, published_at=None, claim=ClaimFactory(text="Zèbre."))
    assert found("zebre") == []
    review = published_verdict(claim=ClaimFactory(text="Les girafes sont 100."))
    claim = review.claim
    claim.text = "Les okapis sont 100."
    claim.save()
    assert found("girafes") == [] and found("okapi") == [review]


def test_bulk_refresh_rebuilds_every_published_vector():
    review = published_verdict(claim=ClaimFactory(text="Les lynx sont 150."))
    Review.objects.update(search_vector=None)
    assert found("lynx") == []
    assert refresh_search_vectors() == 1
    assert found("lynx") == [review]
