"""Atom feeds of published verdicts, for readers' feed readers and partners."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from claims.models import Review

from .factories import ClaimFactory, ReviewFactory, SpeakerFactory, a_second_back, published_verdict

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


def test_summaries_are_text_even_where_readers_typed_markup(client):
    # Atom's summary is type="html": a feed reader must show these characters, not obey them.
    speaker = SpeakerFactory(name="<b>Evil</b> & Co")
    review = published_verdict(claim=ClaimFactory(speaker=speaker), conclusion="1 < 2, <i>non</i>")
    _feed, items = entries(client, "/fr/feed/")
    summary = items[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == (
        "Propos tenus par &lt;b&gt;Evil&lt;/b&gt; &amp; Co. 1 &lt; 2, &lt;i&gt;non&lt;/i&gt;"
    )
    assert review.conclusion not in summary.text


def test_feed_links_are_on_the_public_site(client, settings):
    settings.PUBLIC_BASE_URL = "https://factcheck.example.org"
    review = published_verdict()
    feed, items = entries(client, "/fr/feed/")
    assert feed.find(f"{ATOM}id").text == "https://factcheck.example.org/fr/"
    assert {link.get("href") for link in feed.findall(f"{ATOM}link")} == {
        "https://factcheck.example.org/fr/",
        "https://factcheck.example.org/fr/feed/",
    }
    assert items[0].find(f"{ATOM}link").get("href") == (
        f"https://factcheck.example.org{review.get_absolute_url()}"
    )


def test_characters_xml_cannot_hold_are_left_out_not_a_server_error(client):
    # A form feed pasted from a word processor into the admin.
    speaker = SpeakerFactory(name="Jean\x0bMartin")
    review = published_verdict(
        claim=ClaimFactory(text="La dette a baissé.\x0c", speaker=speaker), conclusion="Faux\x01."
    )
    for url in ("/fr/feed/", f"/fr/feed/speakers/{speaker.pk}/"):
        feed, items = entries(client, url)
        assert items[0].find(f"{ATOM}title").text == "Faux — La dette a baissé."
        assert items[0].find(f"{ATOM}summary").text == "Propos tenus par JeanMartin. Faux."
    assert feed.find(f"{ATOM}title").text.endswith("JeanMartin")
    assert client.get(review.get_absolute_url()).status_code == 200


def test_entry_and_feed_ids_survive_editing_the_claim_or_renaming_the_speaker(client):
    """Feed readers key entries on their id: a new one shows the verdict again, as new."""
    speaker = SpeakerFactory(name="Jean Martin")
    review = published_verdict(claim=ClaimFactory(speaker=speaker, text="La dette a baissé."))
    _feed, items = entries(client, "/fr/feed/")
    assert items[0].find(f"{ATOM}id").text == f"http://testserver/fr/verdicts/{review.pk}/"
    speaker_feed, _ = entries(client, f"/fr/feed/speakers/{speaker.pk}/")
    assert speaker_feed.find(f"{ATOM}id").text == f"http://testserver/fr/speakers/{speaker.pk}/"

    review.claim.text = "La dette publique a baissé en 2016."
    review.claim.save()
    speaker.name = "Jean-Pierre Martin"
    speaker.save()
    _feed, items = entries(client, "/fr/feed/")
    assert items[0].find(f"{ATOM}id").text == f"http://testserver/fr/verdicts/{review.pk}/"
    assert items[0].find(f"{ATOM}link").get("href").endswith("/la-dette-publique-a-baisse-en-2016/")
    speaker_feed, _ = entries(client, f"/fr/feed/speakers/{speaker.pk}/")
    assert speaker_feed.find(f"{ATOM}id").text == f"http://testserver/fr/speakers/{speaker.pk}/"


def test_an_entry_is_updated_when_its_page_changes_not_only_its_verdict(client):
    review = published_verdict()
    earlier = a_second_back()
    Review.objects.filter(pk=review.pk).update(updated_at=earlier, synced_at=earlier)
    source = review.claim.sources.get()
    source.status = "dead"  # the page shows each source's last check
    source.save()
    review.refresh_from_db()
    _feed, items = entries(client, "/fr/feed/")
    updated = datetime.fromisoformat(items[0].find(f"{ATOM}updated").text)
    assert updated == review.synced_at and updated > earlier
