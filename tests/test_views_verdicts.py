"""The public verdict list and verdict pages, as readers and crawlers get them."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from claims.models import Correction, Review, SourceCheck
from claims.views.common import Page

from .factories import (
    ClaimFactory,
    CorrectionFactory,
    EditorFactory,
    FactCheckerFactory,
    RatingFactory,
    ReviewFactory,
    SourceCheckFactory,
    SpeakerFactory,
    default_rating,
    published_verdict,
)

pytestmark = pytest.mark.django_db


def verdict_url(review, language="fr"):
    with translation.override(language):
        return review.get_absolute_url()


def list_url(language="fr"):
    with translation.override(language):
        return reverse("public:verdict-list")


class TestVerdictList:
    def test_root_redirects_to_the_readers_language(self, client):
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Location"] == "/en/"
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")["Location"] == "/fr/"
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/fr/"

    def test_lists_published_verdicts_newest_first_with_rating_speaker_and_date(self, client):
        old = published_verdict(published_at=timezone.now() - timezone.timedelta(days=3))
        new = published_verdict(rating=default_rating("vrai"))
        html = client.get(list_url()).content.decode()
        assert html.index(new.claim.text) < html.index(old.claim.text)
        assert "Vrai" in html and "Faux" in html
        assert new.claim.speaker.name in html
        assert f'href="{new.get_absolute_url()}"' in html

    @pytest.mark.parametrize(
        "state", [Review.State.DRAFT, Review.State.IN_REVIEW, Review.State.UNPUBLISHED]
    )
    def test_never_lists_unpublished_work(self, client, state):
        hidden = ReviewFactory(state=state, published_at=None)
        assert hidden.claim.text not in client.get(list_url()).content.decode()

    def test_filters_by_rating_language_speaker_and_dates(self, client):
        speaker = SpeakerFactory(name="Élisabeth Borne")
        true = published_verdict(rating=default_rating("vrai"), claim=ClaimFactory(speaker=speaker))
        english = published_verdict(claim=ClaimFactory(language="en", text="Debt rose by 3%."))
        old = published_verdict(published_at=timezone.now() - timezone.timedelta(days=400))

        def shown(**params):
            html = client.get(list_url(), params).content.decode()
            return {r for r in (true, english, old) if r.claim.text in html}

        assert shown(rating="vrai") == {true}
        assert shown(language="en") == {english}
        assert shown(speaker="elisabeth borne") == {true}
        year_ago = (timezone.now() - timezone.timedelta(days=200)).date().isoformat()
        assert shown(until=year_ago) == {old}
        assert shown(since=year_ago) == {true, english}

    def test_filters_by_the_ratings_of_every_scale(self, client):
        """Ratings come grouped by scale, those of the default scale named by their slug."""
        false = published_verdict()
        flop = RatingFactory(scale__slug="flip", scale__name="Flip-O-Meter", slug="volte-face")
        turned = published_verdict(rating=flop)
        html = client.get(list_url(), {"rating": "flip.volte-face"}).content.decode()
        assert turned.claim.text in html and false.claim.text not in html
        assert f'<option value="flip.volte-face" selected>{flop.label_fr}</option>' in html
        assert '<optgroup label="Flip-O-Meter" lang="fr">' in html
        html = client.get(list_url(), {"rating": "faux"}).content.decode()
        assert false.claim.text in html and turned.claim.text not in html

    def test_one_scale_lists_its_ratings_without_a_group(self, client):
        published_verdict()
        html = client.get(list_url()).content.decode()
        assert '<option value="faux">Faux</option>' in html and "<optgroup" not in html

    def test_an_invalid_filter_is_reported_and_ignored(self, client):
        review = published_verdict()
        response = client.get(list_url(), {"rating": "nonsense", "since": "not-a-date"})
        assert response.status_code == 200
        html = response.content.decode()
        assert review.claim.text in html
        assert 'class="field-error"' in html

    def test_date_pickers_hold_a_day_as_html_wants_it_or_nothing(self, client):
        """A picker's value is YYYY-MM-DD: a day typed the French way (in a browser with no
        picker) is shown as one, and text that is no day is left out beside its error."""
        html = client.get(list_url(), {"since": "05/01/2024", "until": "2099-13-01"}).content
        html = html.decode()
        assert '<input type="date" name="since" value="2024-01-05"' in html
        assert '<input type="date" name="until" aria-invalid="true"' in html
        assert '<p class="field-error" id="id_until_error">Saisissez une date valide.</p>' in html

    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_a_typed_day_means_the_same_day_in_both_languages(self, client, language):
        """The language switcher keeps the query: 05/01/2024 is 5 January on both sides."""
        url = f"/{language}/"
        html = client.get(url, {"since": "05/01/2024", "until": "13/01/2024"}).content.decode()
        assert '<input type="date" name="since" value="2024-01-05"' in html
        assert '<input type="date" name="until" value="2024-01-13"' in html

    def test_pages_older_verdicts(self, client, settings):
        settings.PUBLIC_PAGE_SIZE = 2
        reviews = [
            published_verdict(published_at=timezone.now() - timezone.timedelta(hours=i))
            for i in range(3)
        ]
        first = client.get(list_url()).content.decode()
        assert reviews[0].claim.text in first and reviews[2].claim.text not in first
        assert 'rel="next" href="?page=2"' in first
        # Screen readers say « Plus anciens », not « flèche droite ».
        assert 'Plus anciens <span aria-hidden="true">→</span></a>' in first
        second = client.get(list_url(), {"page": 2}).content.decode()
        assert reviews[2].claim.text in second and reviews[0].claim.text not in second
        assert 'rel="prev"' in second and 'rel="next"' not in second
        assert client.get(list_url(), {"page": "x"}).status_code == 200
        # Past the end: not an empty page saying nothing was ever published.
        assert client.get(list_url(), {"page": 3}).status_code == 404
        assert client.get(list_url(), {"page": 999, "q": "chômage"}).status_code == 404

    def test_the_deepest_page_links_no_deeper_and_beyond_it_is_not_found(
        self, client, settings, monkeypatch
    ):
        settings.PUBLIC_PAGE_SIZE = 1
        for hours in range(3):
            published_verdict(published_at=timezone.now() - timezone.timedelta(hours=hours))
        monkeypatch.setattr(Page, "DEEPEST", 2)
        deepest = client.get(list_url(), {"page": 2}).content.decode()
        # A third verdict exists, but the list stops here: no link to a page it refuses.
        assert 'rel="prev"' in deepest and 'rel="next"' not in deepest
        # It used to show the deepest page again, under every deeper number.
        assert client.get(list_url(), {"page": 3}).status_code == 404
        assert client.get(list_url(), {"page": 20_000}).status_code == 404

    def test_a_speaker_filter_of_punctuation_alone_is_reported_not_matching_everyone(self, client):
        published_verdict()
        html = client.get(list_url(), {"speaker": "--- !"}).content.decode()
        assert "Indiquez un nom, ou une partie de nom." in html
        assert 'aria-invalid="true"' in html

    def test_an_address_with_too_many_parameters_gets_a_readable_400(self, client):
        response = client.get(list_url("en") + "?" + "&".join(["rating=vrai"] * 1001))
        assert response.status_code == 400
        html = response.content.decode()
        assert '<html lang="en">' in html and "<h1>Bad request</h1>" in html
        assert 'href="/en/"' in html

    def test_filters_speakers_by_names_in_any_script_or_spelling(self, client):
        zelensky = published_verdict(claim=ClaimFactory(speaker=SpeakerFactory(name="Зеленський")))
        oeuvre = published_verdict(claim=ClaimFactory(speaker=SpeakerFactory(name="Ève Lœuvre")))
        html = client.get(list_url(), {"speaker": "зеленський"}).content.decode()
        assert zelensky.claim.text in html and oeuvre.claim.text not in html
        html = client.get(list_url(), {"speaker": "eve loeuvre"}).content.decode()
        assert oeuvre.claim.text in html and zelensky.claim.text not in html

    @pytest.mark.parametrize("dates", [{"until": "9999-12-31"}, {"since": "0001-01-01"}])
    def test_dates_out_of_range_are_reported_and_ignored(self, client, dates):
        review = published_verdict()
        response = client.get(list_url(), dates)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Saisissez une date entre 1900 et 2999." in html
        assert review.claim.text in html and "Derniers verdicts" in html

    def test_a_search_too_long_is_reported_not_silently_dropped(self, client):
        published_verdict()
        html = client.get(list_url(), {"q": "chômage " * 30}).content.decode()
        assert 'aria-invalid="true" aria-describedby="id_q_error"' in html
        assert '<p class="field-error" id="id_q_error">' in html
        assert "Derniers verdicts" in html and "Résultats" not in html
        assert "Effacer les filtres" in html

    def test_other_query_parameters_are_not_a_search(self, client):
        published_verdict()
        html = client.get(list_url(), {"utm_source": "lettre", "fbclid": "x"}).content.decode()
        assert "Derniers verdicts" in html
        assert "Résultats" not in html and "Effacer les filtres" not in html

    def test_user_text_is_escaped(self, client):
        review = published_verdict(
            claim=ClaimFactory(text="<script>alert(1)</script> a dit le maire"),
            conclusion="<img src=x onerror=alert(1)>",
        )
        html = client.get(list_url()).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert review.pk

    def test_constant_queries_whatever_the_number_of_verdicts(
        self, client, django_assert_max_num_queries
    ):
        for count in (1, 20, 200):
            while Review.objects.filter(state="published").count() < count:
                published_verdict(sources=2, appearances=1)
            with django_assert_max_num_queries(2):
                assert client.get(list_url()).status_code == 200
            # Search reads the first tier's boundary date before the page (publishing/search.py).
            with django_assert_max_num_queries(3):
                assert client.get(list_url(), {"q": "chômage", "rating": "faux"}).status_code == 200


class TestVerdictPage:
    def test_shows_the_claim_speaker_rating_conclusion_explanation_and_sources(self, client):
        review = published_verdict(
            sources=2,
            explanation="Selon **l'Insee**, le taux était de 9,7 %.",
            author=None,
        )
        html = client.get(verdict_url(review)).content.decode()
        claim = review.claim
        assert claim.text in html
        assert claim.speaker.name in html
        assert "Faux" in html and escape(review.rating.definition_fr) in html
        assert review.conclusion in html
        assert "<strong>l'Insee</strong>" in html
        for source in claim.sources.all():
            assert source.url in html
        assert "<mark>" in html  # the passage of the article, claim highlighted

    def test_shows_the_words_as_said_when_the_claim_quotes_them(self, client):
        review = published_verdict(
            claim=ClaimFactory(
                text="Le ministre a affirmé que « le chômage a baissé de 10 % ».",
                quotation="le chômage a baissé de 10 %",
            )
        )
        html = client.get(verdict_url(review)).content.decode()
        assert (
            '<p class="quotation">Propos exacts\u00a0: <q lang="fr">le chômage a baissé de 10 %</q>'
            in html
        )
        plain = published_verdict(claim=ClaimFactory(quotation=""))
        assert 'class="quotation"' not in client.get(verdict_url(plain)).content.decode()

    def test_a_rating_defined_in_one_language_shows_that_definition_in_both(self, client):
        rating = RatingFactory(definition_fr="Le chiffre est gonflé.", definition_en="")
        review = published_verdict(rating=rating)
        english = client.get(verdict_url(review, "en")).content.decode()
        assert '<span lang="fr">Le chiffre est gonflé.</span>' in english
        assert "About our ratings" in english
        methodology = client.get("/en/methodology/").content.decode()
        assert '<dd lang="fr">Le chiffre est gonflé.</dd>' in methodology
        french = client.get(verdict_url(review, "fr")).content.decode()
        assert '<p class="rating-definition">Le chiffre est gonflé. <a' in french

    def test_the_claim_in_the_passage_is_announced_not_only_coloured(self, client):
        review = published_verdict()
        french = client.get(verdict_url(review, "fr")).content.decode()
        english = client.get(verdict_url(review, "en")).content.decode()
        start = escape("[début de l'affirmation]")
        assert f'<mark><span class="visually-hidden" lang="fr">{start} </span>' in french
        assert '<span class="visually-hidden" lang="en"> [claim ends]</span></mark>' in english

    def test_bylines_name_people_never_their_login(self, client):
        review = published_verdict(
            author=FactCheckerFactory(username="jmartin", first_name="Jeanne", last_name="Martin"),
            editor=EditorFactory(username="chef-edition"),  # no name in the account
        )
        html = client.get(verdict_url(review)).content.decode()
        assert "<dt>Vérifié par</dt><dd>Jeanne Martin</dd>" in html
        assert "jmartin" not in html and "chef-edition" not in html
        assert "Relu par" not in html

    def test_the_rating_links_to_its_definition_whatever_its_scale(self, client):
        for rating in (
            default_rating("vrai"),
            RatingFactory(scale__slug="flip", slug="volte-face", label_fr="Volte-face"),
        ):
            html = client.get(verdict_url(published_verdict(rating=rating))).content.decode()
            anchor = re.search(r'href="/fr/methodology/#([^"]+)"', html).group(1)
            methodology = client.get("/fr/methodology/").content.decode()
            assert f'<div id="{anchor}">' in methodology
            assert f"{rating.label_fr}</span>" in methodology.split(f'id="{anchor}"')[1][:400]

    def test_the_verdicts_text_is_marked_in_its_own_language_the_claim_in_its_own(self, client):
        # A French newsroom's verdict on an English claim: screen readers must read each part
        # with its own pronunciation, and search engines index each in its language.
        review = published_verdict(
            claim=ClaimFactory(language="en", text="Wages rose by 3%."),
            language="fr",
            conclusion="Les salaires ont baissé.",
            explanation="Selon le BLS, ils ont reculé.",
        )
        for html in (
            client.get(verdict_url(review)).content.decode(),
            client.get(list_url()).content.decode(),
        ):
            assert '<q lang="en">Wages rose by 3%.</q>' in html
            assert 'lang="fr">Les salaires ont baissé.</p>' in html
        assert (
            '<div class="explanation" lang="fr"><p>Selon le BLS'
            in client.get(verdict_url(review)).content.decode()
        )

    def test_labels_and_dates_follow_the_page_language(self, client):
        review = published_verdict(published_at=datetime(2024, 3, 5, 12, tzinfo=UTC))
        french = client.get(verdict_url(review, "fr")).content.decode()
        english = client.get(verdict_url(review, "en")).content.decode()
        assert '<html lang="fr">' in french and '<html lang="en">' in english
        assert "Faux" in french and "False" in english
        # English dates as og:locale en_GB says (factcheck/formats/en), not Django's American ones.
        assert "5 mars 2024" in french and "5 March 2024" in english
        assert "<dt>Publié</dt>" in french and "<dt>Published</dt>" in english
        assert "Notre verdict" in french and "Our verdict" in english

    def test_titles_quote_the_claim_as_the_page_language_does(self, client):
        review = published_verdict(claim=ClaimFactory(text="La dette a baissé."))
        french = client.get(verdict_url(review, "fr")).content.decode()
        english = client.get(verdict_url(review, "en")).content.decode()
        assert "<title>Faux — «\u00a0La dette a baissé.\u00a0» —" in french
        assert "<title>False — “La dette a baissé.” —" in english
        assert '<meta property="og:title" content="False — “La dette a baissé.”">' in english

    def test_a_claim_nobody_is_named_for_says_where_it_appeared(self, client):
        review = published_verdict(claim=ClaimFactory(speaker=None))
        article = review.claim.appearances.get().article
        article.published_at = datetime(2017, 6, 28, 22, tzinfo=UTC)
        article.save()
        html = client.get(verdict_url(review)).content.decode()
        assert 'Parue le <time datetime="2017-06-29">29 juin 2017</time>' in html
        assert "Propos tenus par" not in html

    def test_url_has_a_slug_and_wrong_slugs_redirect(self, client):
        review = published_verdict(claim=ClaimFactory(text="Le chômage a baissé de 12 % en 2016."))
        assert (
            review.get_absolute_url()
            == f"/fr/verdicts/{review.pk}/le-chomage-a-baisse-de-12-en-2016/"
        )
        wrong = client.get(f"/fr/verdicts/{review.pk}/autre-chose/")
        assert wrong.status_code == 301 and wrong["Location"] == review.get_absolute_url()
        short = client.get(f"/fr/verdicts/{review.pk}/")
        assert short.status_code == 301 and short["Location"] == review.get_absolute_url()
        # A shared link's tracking tags survive the redirect.
        tagged = client.get(f"/fr/verdicts/{review.pk}/autre-chose/?utm_source=mastodon")
        assert tagged["Location"] == review.get_absolute_url() + "?utm_source=mastodon"
        tagged = client.get(f"/fr/verdicts/{review.pk}/?utm_source=mastodon")
        assert tagged["Location"] == review.get_absolute_url() + "?utm_source=mastodon"

    @pytest.mark.parametrize(
        ("text", "slug", "old_slug"),
        [
            (
                "Le nombre de sœurs a doublé.",
                "le-nombre-de-soeurs-a-double",
                "le-nombre-de-surs-a-double",
            ),
            (
                "Le loyer coûte 10 € de plus.",
                "le-loyer-coute-10-eur-de-plus",
                "le-loyer-coute-10-de-plus",
            ),
            ("Україна переможе.", "ukraina-peremozhe", "verdict"),
        ],
    )
    def test_slugs_spell_every_letter_in_ascii_and_the_old_ones_redirect(
        self, client, text, slug, old_slug
    ):
        review = published_verdict(claim=ClaimFactory(text=text))
        assert review.get_absolute_url() == f"/fr/verdicts/{review.pk}/{slug}/"
        assert client.get(review.get_absolute_url()).status_code == 200
        # What slugify alone made of the text, in links shared before 2026-12-06.
        old = client.get(f"/fr/verdicts/{review.pk}/{old_slug}/")
        assert old.status_code == 301 and old["Location"] == review.get_absolute_url()

    def test_a_claim_without_letters_or_digits_has_a_slug_still(self):
        assert published_verdict(claim=ClaimFactory(text="« … » ?")).slug == "verdict"

    @pytest.mark.parametrize(
        "state", [Review.State.DRAFT, Review.State.IN_REVIEW, Review.State.UNPUBLISHED]
    )
    def test_unpublished_work_is_not_found_whatever_the_url(self, client, state):
        review = ReviewFactory(state=state, published_at=None)
        source = published_verdict().claim.sources.first()
        for url in (
            verdict_url(review),
            f"/fr/verdicts/{review.pk}/",
            f"/en/verdicts/{review.pk}/{review.slug}/",
            reverse("public:source-archive", kwargs={"pk": review.pk, "source_id": source.pk}),
        ):
            assert client.get(url).status_code == 404, url

    def test_ids_too_long_for_any_row_are_not_found(self, client):
        # 19 digits and more pass no 64-bit column: the resolver turns them away (SQLite's
        # driver, in the demo, overflowed on them).
        review = published_verdict()
        source = review.claim.sources.first()
        huge = "9" * 19
        for url in (
            f"/fr/verdicts/{huge}/x/",
            f"/fr/verdicts/{huge}/",
            f"/fr/verdicts/{review.pk}/sources/{huge}/archive.txt",
            f"/fr/speakers/{huge}/x/",
            f"/fr/feed/speakers/{huge}/",
        ):
            assert client.get(url).status_code == 404, url
        archive = f"/fr/verdicts/{review.pk}/sources/{'9' * 18}/archive.txt"
        assert client.get(archive).status_code == 404
        assert reverse(
            "public:source-archive", kwargs={"pk": review.pk, "source_id": source.pk}
        ).endswith(f"/sources/{source.pk}/archive.txt")

    def test_shows_a_dated_corrections_log(self, client):
        review = published_verdict()
        correction = CorrectionFactory(review=review, note="Nous avions mal daté le discours.")
        made = datetime(2024, 3, 1, 12, 0, 7, 654321, tzinfo=UTC)
        Correction.objects.filter(pk=correction.pk).update(created_at=made)
        html = client.get(verdict_url(review)).content.decode()
        assert "Corrections" in html and correction.note in html
        # In Paris time, to the second: HTML allows no more than three digits of a second;
        # French writes the first of the month « 1er ».
        assert '<time datetime="2024-03-01T13:00:07+01:00">1er mars 2024 13:00</time>' in html

    def test_sources_show_their_last_check_and_archived_copy(self, client):
        review = published_verdict(sources=0)
        checked = SourceCheckFactory(source__claim=review.claim).source
        checked.status = "dead"
        checked.last_checked_at = datetime(2024, 3, 5, 12, tzinfo=UTC)
        checked.save()
        html = client.get(verdict_url(review)).content.decode()
        assert "Lien mort, vérifié le 5 mars 2024" in html
        assert 'href="https://web.archive.org/' not in html
        checked.archive_url = "https://web.archive.org/web/2024/https://www.insee.fr/"
        checked.save()
        assert (
            'href="https://web.archive.org/web/2024/https://www.insee.fr/"'
            in client.get(verdict_url(review)).content.decode()
        )

    def test_constant_queries_whatever_the_number_of_sources_and_corrections(
        self, client, django_assert_max_num_queries
    ):
        for count in (1, 20, 200):
            review = published_verdict(sources=count, appearances=min(count, 20), corrections=count)
            with django_assert_max_num_queries(6):
                response = client.get(verdict_url(review))
            assert response.status_code == 200
            assert response.content.decode().count('class="link-status') == count


def test_archived_copy_is_served_as_inert_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    review = published_verdict(sources=0)
    check = SourceCheckFactory(source__claim=review.claim)
    check.snapshot_text.save("t.txt", ContentFile("<script>alert(1)</script> Insee 9,7 %"))
    html = client.get(verdict_url(review)).content.decode()
    url = reverse("public:source-archive", kwargs={"pk": review.pk, "source_id": check.source_id})
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Robots-Tag"] == "noindex, nofollow"  # someone else's text
    assert b"Insee 9,7 %" in b"".join(response.streaming_content)
    assert SourceCheck.objects.count() >= 1


def test_an_archived_copy_of_the_sources_former_address_is_not_offered(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    review = published_verdict(sources=0)
    check = SourceCheckFactory(source__claim=review.claim)
    check.snapshot_text.save("t.txt", ContentFile("Insee 9,7 %"))
    source = check.source
    source.url = "https://www.insee.fr/fr/statistiques/autre-page"
    source.save()
    url = reverse("public:source-archive", kwargs={"pk": review.pk, "source_id": source.pk})
    assert f'href="{url}"' not in client.get(verdict_url(review)).content.decode()
    assert client.get(url).status_code == 404
