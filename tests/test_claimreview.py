"""The ClaimReview JSON-LD embedded in each verdict page, as search engines read it."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from claims.models import Speaker

from .factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    default_rating,
    published_verdict,
)

pytestmark = pytest.mark.django_db

# Every type and property the markup uses, checked against schema.org's vocabulary
# (https://schema.org/ClaimReview, /Rating, /Claim, /CreativeWork, /Person, /Organization).
SCHEMA_PROPERTIES = {
    "ClaimReview": {
        "@context", "@type", "url", "claimReviewed", "author", "datePublished",
        "dateModified", "inLanguage", "reviewRating", "itemReviewed",
    },
    "Rating": {
        "@type", "alternateName", "ratingValue", "bestRating", "worstRating", "ratingExplanation",
    },
    "Claim": {"@type", "author", "datePublished", "appearance", "firstAppearance"},
    "CreativeWork": {"@type", "url", "headline", "datePublished", "publisher"},
    "Person": {"@type", "name", "jobTitle"},
    "Organization": {"@type", "name", "url"},
}  # fmt: skip


def json_ld(client, url):
    html = client.get(url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return blocks


def check_vocabulary(node):
    if isinstance(node, list):
        for item in node:
            check_vocabulary(item)
        return
    if not isinstance(node, dict):
        return
    kind = node["@type"]
    assert kind in SCHEMA_PROPERTIES, kind
    assert set(node) <= SCHEMA_PROPERTIES[kind], set(node) - SCHEMA_PROPERTIES[kind]
    for value in node.values():
        check_vocabulary(value)


def test_each_verdict_page_embeds_exactly_one_complete_claim_review(client, settings):
    settings.ORGANISATION_NAME = "Vérif'Actu"
    settings.PUBLIC_BASE_URL = "https://verif.example.org"
    speaker = SpeakerFactory(name="Jean Martin", role="ministre de l'Économie")
    review = published_verdict(
        appearances=0,
        claim=ClaimFactory(speaker=speaker, text="La dette a baissé de 2 % en 2016."),
        rating=default_rating("faux"),
        conclusion="La dette a augmenté de 2 %.",
        published_at=datetime(2024, 3, 5, 9, tzinfo=UTC),
    )
    later = ArticleFactory(published_at=datetime(2024, 2, 1, tzinfo=UTC), url="https://b.example")
    first = ArticleFactory(published_at=datetime(2024, 1, 10, tzinfo=UTC), url="https://a.example")
    AppearanceFactory(claim=review.claim, article=later)
    AppearanceFactory(claim=review.claim, article=first)

    with translation.override("en"):
        url = review.get_absolute_url()
    blocks = json_ld(client, url)
    assert len(blocks) == 1
    data = json.loads(blocks[0])

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["url"] == f"https://verif.example.org{url}"
    assert data["claimReviewed"] == "La dette a baissé de 2 % en 2016."
    assert data["author"] == {"@type": "Organization", "name": "Vérif'Actu"}
    assert data["datePublished"] == "2024-03-05"
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] == "False"  # the page's language
    assert rating["ratingExplanation"] == "La dette a augmenté de 2 %."
    # Higher is truer on an ordinal scale: « Faux » is the worst.
    assert (rating["worstRating"], rating["ratingValue"], rating["bestRating"]) == (1, 1, 5)
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Jean Martin",
        "jobTitle": "ministre de l'Économie",
    }
    assert item["datePublished"] == "2024-01-10"
    assert item["firstAppearance"]["url"] == "https://a.example"
    assert [work["url"] for work in item["appearance"]] == [
        "https://a.example",
        "https://b.example",
    ]
    check_vocabulary(data)


def test_in_language_is_the_verdicts_not_the_claims(client):
    review = published_verdict(claim=ClaimFactory(language="en"), language="fr")
    [block] = json_ld(client, review.get_absolute_url())
    assert json.loads(block)["inLanguage"] == "fr"
    english = published_verdict(claim=ClaimFactory(language="en"), language="en")
    [block] = json_ld(client, english.get_absolute_url())
    assert json.loads(block)["inLanguage"] == "en"


def test_labels_off_the_ordinal_scale_carry_no_rating_value(client):
    review = published_verdict(rating=default_rating("inverifiable"))
    data = json.loads(json_ld(client, review.get_absolute_url())[0])
    assert data["reviewRating"]["alternateName"] == "Invérifiable"
    assert not {"ratingValue", "bestRating", "worstRating"} & set(data["reviewRating"])
    check_vocabulary(data)


def test_organisations_have_no_job_title(client):
    speaker = SpeakerFactory(name="Insee", kind=Speaker.Kind.ORGANISATION, role="institut")
    review = published_verdict(claim=ClaimFactory(speaker=speaker))
    data = json.loads(json_ld(client, review.get_absolute_url())[0])
    assert data["itemReviewed"]["author"] == {"@type": "Organization", "name": "Insee"}


def test_text_cannot_break_out_of_the_script_element(client):
    review = published_verdict(
        claim=ClaimFactory(text="Il a dit </script><script>alert(1)</script> en 2016.")
    )
    html = client.get(review.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    data = json.loads(json_ld(client, review.get_absolute_url())[0])
    assert data["claimReviewed"] == "Il a dit </script><script>alert(1)</script> en 2016."


def test_dates_are_the_days_readers_see_in_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 29 June in Paris, still 28 June in UTC: an article dated by day, a verdict at 00:30.
    review = published_verdict(
        appearances=0, published_at=datetime(2017, 6, 29, 22, 30, tzinfo=UTC)
    )
    article = ArticleFactory(published_at=datetime(2017, 6, 28, 22, tzinfo=UTC))
    AppearanceFactory(claim=review.claim, article=article)
    html = client.get(review.get_absolute_url()).content.decode()
    assert '<time datetime="2017-06-29">29 juin 2017</time>' in html
    data = json.loads(json_ld(client, review.get_absolute_url())[0])
    assert data["datePublished"] == "2017-06-30"
    assert data["itemReviewed"]["datePublished"] == "2017-06-29"
    assert data["itemReviewed"]["firstAppearance"]["datePublished"] == "2017-06-29"
