"""A speaker's public page: their verdicts and the breakdown by rating, drawn as SVG."""

import re

import pytest
from django.utils import translation

from claims.models import Rating, RatingScale, Review

from .factories import (
    ClaimFactory,
    ReviewFactory,
    SpeakerFactory,
    default_rating,
    published_verdict,
)

pytestmark = pytest.mark.django_db


def test_lists_the_speakers_verdicts_with_a_breakdown_by_rating(client):
    speaker = SpeakerFactory(name="Anne Dupont", role="maire de Lyon")
    for slug in ("faux", "faux", "vrai"):
        published_verdict(rating=default_rating(slug), claim=ClaimFactory(speaker=speaker))
    other = published_verdict()
    response = client.get(speaker.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anne Dupont" in html and "maire de Lyon" in html
    assert other.claim.text not in html
    svg = re.search(r"<svg[^>]*class=\"breakdown\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "Répartition des verdicts — Anne Dupont (3 verdicts)" in svg
    # Colour is never the only signal: each bar has its label and count in text, and a table.
    assert re.search(r">Faux</text>.*?>2</text>", svg, re.S)
    assert re.search(r">Vrai</text>.*?>1</text>", svg, re.S)
    assert '<th scope="row">Faux</th><td>2</td>' in html
    assert "<script" not in html.replace('<script type="application/ld+json">', "")


def test_verdicts_rated_on_another_scale_are_in_the_breakdown(client):
    speaker = SpeakerFactory()
    scale = RatingScale.objects.create(slug="viral", name="Rumeurs")
    hoax = Rating.objects.create(scale=scale, slug="intox", label_fr="Intox", label_en="Hoax")
    published_verdict(claim=ClaimFactory(speaker=speaker))
    published_verdict(claim=ClaimFactory(speaker=speaker), rating=hoax)
    html = client.get(speaker.get_absolute_url()).content.decode()
    assert "(2 verdicts)" in html
    assert '<th scope="row">Faux</th><td>1</td>' in html
    assert '<th scope="row">Intox</th><td>1</td>' in html


def test_english_page_uses_english_labels(client):
    speaker = SpeakerFactory()
    published_verdict(claim=ClaimFactory(speaker=speaker))
    with translation.override("en"):
        url = speaker.get_absolute_url()
    html = client.get(url).content.decode()
    assert "False</text>" in html and "Verdicts by rating" in html


def test_a_speaker_without_published_verdicts_is_not_found(client):
    speaker = SpeakerFactory()
    ReviewFactory(state=Review.State.DRAFT, published_at=None, claim=ClaimFactory(speaker=speaker))
    assert client.get(speaker.get_absolute_url()).status_code == 404
    assert client.get(f"/fr/feed/speakers/{speaker.pk}/").status_code == 404


def test_wrong_or_missing_slug_redirects(client):
    speaker = SpeakerFactory(name="Élise Lucet")
    published_verdict(claim=ClaimFactory(speaker=speaker))
    for url in (f"/fr/speakers/{speaker.pk}/autre/", f"/fr/speakers/{speaker.pk}/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == f"/fr/speakers/{speaker.pk}/elise-lucet/"
        # The page asked for is the page found.
        paged = client.get(url + "?page=2")
        assert paged["Location"] == f"/fr/speakers/{speaker.pk}/elise-lucet/?page=2"
    private = ReviewFactory(state=Review.State.DRAFT, published_at=None).claim.speaker
    assert client.get(f"/fr/speakers/{private.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Łukasz Bœuf", "lukasz-boeuf"),
        ("Володимир Зеленський", "volodimir-zelenskiy"),
        ("习近平", "xijinping"),
    ],
)
def test_speakers_of_every_script_have_a_readable_slug(client, name, slug):
    speaker = SpeakerFactory(name=name)
    published_verdict(claim=ClaimFactory(speaker=speaker))
    assert speaker.get_absolute_url() == f"/fr/speakers/{speaker.pk}/{slug}/"
    assert client.get(speaker.get_absolute_url()).status_code == 200


def test_constant_queries_whatever_the_number_of_verdicts(client, django_assert_max_num_queries):
    speaker = SpeakerFactory()
    for count in (1, 20, 200):
        while Review.objects.filter(claim__speaker=speaker).count() < count:
            published_verdict(claim=ClaimFactory(speaker=speaker), sources=2)
        with django_assert_max_num_queries(4):
            assert client.get(speaker.get_absolute_url()).status_code == 200
