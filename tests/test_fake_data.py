"""generate_fake_data: exactly N published reviews, plainly synthetic, the same for a seed."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.fake_data import FAKE_HOST
from claims.models import Article, Claim, ClaimAppearance, Review, Source, Speaker

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the generator decides, without ids or insertion timestamps."""
    return {
        "claims": sorted(
            Claim.objects.values_list(
                "text", "language", "speaker__name", "check_worthiness", "claim_type", "status"
            )
        ),
        "reviews": sorted(
            Review.objects.values_list(
                "claim__text", "rating__slug", "state", "conclusion", "published_at"
            ),
            key=repr,
        ),
        "appearances": sorted(
            ClaimAppearance.objects.values_list("claim__text", "article__url", "start", "end")
        ),
        "sources": sorted(Source.objects.values_list("claim__text", "url", "kind")),
        "articles": sorted(Article.objects.values_list("url", "body", "published_at")),
    }


def test_exactly_n_published_reviews_with_everything_a_page_needs():
    call_command("generate_fake_data", "--reviews", "40", "--seed", "3")
    published = Review.objects.filter(state=Review.State.PUBLISHED)
    assert published.count() == 40
    assert Review.objects.filter(state=Review.State.DRAFT).count() == 4
    for review in published.select_related("claim__speaker", "rating"):
        claim = review.claim
        assert claim.status == Claim.Status.PUBLISHED
        assert claim.speaker is not None
        assert review.rating and review.conclusion and review.published_at
        assert 1 <= claim.sources.count() <= 3
        appearance = claim.appearances.select_related("article").get()
        assert appearance.article.body[appearance.start : appearance.end] == claim.text
        assert appearance.span_text == claim.text


def test_data_is_plainly_synthetic():
    call_command("generate_fake_data", "--reviews", "10", "--seed", "4")
    assert all(
        text.startswith("[Données fictives s4")
        for text in Claim.objects.values_list("text", flat=True)
    )
    assert all("fictive" in name for name in Speaker.objects.values_list("name", flat=True))
    urls = [
        *Article.objects.values_list("url", flat=True),
        *Source.objects.values_list("url", flat=True),
    ]
    assert all(url.startswith(f"https://{FAKE_HOST}/s4/") for url in urls)


def test_the_same_seed_gives_the_same_data():
    call_command("generate_fake_data", "--reviews", "25", "--seed", "11")
    first = snapshot()
    Article.objects.all().delete()
    Claim.objects.all().delete()
    Speaker.objects.all().delete()
    call_command("generate_fake_data", "--reviews", "25", "--seed", "11")
    assert snapshot() == first


def test_another_seed_gives_other_data_beside_the_first():
    call_command("generate_fake_data", "--reviews", "5", "--seed", "1")
    call_command("generate_fake_data", "--reviews", "5", "--seed", "2")
    assert Review.objects.filter(state=Review.State.PUBLISHED).count() == 10


def test_a_seed_already_used_is_refused_without_writing():
    call_command("generate_fake_data", "--reviews", "5", "--seed", "9")
    before = Review.objects.count()
    with pytest.raises(CommandError, match="seed 9 already exists"):
        call_command("generate_fake_data", "--reviews", "5", "--seed", "9")
    assert Review.objects.count() == before


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_the_count_must_be_a_positive_integer(value):
    with pytest.raises(CommandError, match="--reviews"):
        call_command("generate_fake_data", "--reviews", value)
