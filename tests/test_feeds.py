"""Atom feeds of published verdicts, for readers' feed readers and partners."""

import xml.etree.ElementTree as ET

import pytest

from claims.models import Review

from .factories import ClaimFactory, ReviewFactory, SpeakerFactory, published_verdict

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    return feed, feed.findall(f"{ATOM}entry")


def test_feed_lists_published_verdicts_newest_first(client):
    older = published_verdict()
    newer = published_verdict()
    ReviewFactory(state=Review.State.DRAFT, published_at=None)
    feed, items = entries(client, "/fr/feed/")
    assert [e.find(f"{ATOM}link").get("href") for e in items] == [
        f"http://testserver{newer.get_absolute_url()}",
        f"http://testserver{older.get_absolute_url()}",
    ]
    assert items[0].find(f"{ATOM}title").text == f"Faux — {newer.claim.text}"
    assert newer.conclusion in items[0].find(f"{ATOM}summary").text


def test_speaker_feed_has_only_their_verdicts(client):
    speaker = SpeakerFactory()
    theirs = published_verdict(claim=ClaimFactory(speaker=speaker))
    published_verdict()
    feed, items = entries(client, f"/en/feed/speakers/{speaker.pk}/")
    assert len(items) == 1
    assert items[0].find(f"{ATOM}title").text == f"False — {theirs.claim.text}"


def test_every_page_links_its_feeds(client):
    speaker = SpeakerFactory()
    review = published_verdict(claim=ClaimFactory(speaker=speaker))
    for url in ("/fr/", review.get_absolute_url(), speaker.get_absolute_url()):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert 'href="/fr/feed/"' in html
    assert (
        f'href="/fr/feed/speakers/{speaker.pk}/"'
        in client.get(speaker.get_absolute_url()).content.decode()
    )


def test_constant_queries(client, django_assert_max_num_queries):
    for count in (1, 20, 200):
        while Review.objects.count() < count:
            published_verdict()
        with django_assert_max_num_queries(1):
            client.get("/fr/feed/")
