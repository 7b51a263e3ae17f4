"""The data model: what the database guarantees, and how rows describe themselves."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from claims.models import (
    Article,
    ClaimAppearance,
    Rating,
    RatingScale,
    Review,
    Speaker,
    body_sha256,
    normalize_name,
)

from .factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ReviewFactory,
    SourceCheckFactory,
    SourceFactory,
    SpeakerFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db


def assert_violates(constraint_name, create):
    with pytest.raises(IntegrityError, match=constraint_name), transaction.atomic():
        create()


class TestArticle:
    def test_save_computes_the_body_digest(self):
        article = Article(title="t", language="fr", body="Un texte.")
        article.save()
        assert article.body_sha256 == body_sha256("Un texte.")

    def test_same_body_twice_is_refused(self):
        ArticleFactory(body="Même texte.")
        assert_violates("body_sha256", lambda: ArticleFactory(body="Même texte."))

    def test_url_is_unique_when_set(self):
        ArticleFactory(url="https://www.afp.com/a")
        assert_violates(
            "article_url_unique_when_set", lambda: ArticleFactory(url="https://www.afp.com/a")
        )

    def test_many_articles_may_have_no_url(self):
        ArticleFactory(url="")
        ArticleFactory(url="")
        assert Article.objects.filter(url="").count() == 2

    def test_body_cannot_be_empty(self):
        assert_violates("article_body_not_empty", lambda: ArticleFactory(body=""))

    def test_str_is_the_title(self):
        assert str(ArticleFactory(title="Trump et Poutine")) == "Trump et Poutine"


class TestSpeaker:
    def test_normalized_name_ignores_accents_case_and_punctuation(self):
        assert normalize_name("  Élisabeth   BORNE ") == "elisabeth borne"
        assert normalize_name("H.R. McMaster") == "h r mcmaster"

    def test_names_in_every_script_have_a_key_and_latin_ligatures_are_spelled_out(self):
        assert normalize_name("Владимир Путин") == "владимир путин"
        assert normalize_name("习近平") == "习近平"
        assert normalize_name("Łukasz Bœuf-Ærø") == "lukasz boeuf aero"
        speaker = SpeakerFactory(name="Володимир Зеленський")
        assert speaker.normalized_name == "володимир зеленськии"

    def test_marks_that_are_part_of_a_letter_are_kept(self):
        # Devanagari vowel signs, Japanese dakuten, Thai vowels: not accents, other names.
        assert normalize_name("नरेंद्र मोदी") != normalize_name("नरेंद्र मादी")
        assert normalize_name("ジョン") != normalize_name("ション")
        assert normalize_name("ทักษิณ ชินวัตร") == "ทักษิณ ชินวัตร"
        assert normalize_name("Nguyễn Phú Trọng") == "nguyen phu trong"

    def test_the_admin_says_when_a_name_is_another_speakers_or_has_no_letter(self):
        SpeakerFactory(name="Élisabeth Borne")
        with pytest.raises(ValidationError) as refused:
            Speaker(name="ELISABETH BORNE", role="x").full_clean()
        assert refused.value.message_dict["name"] == [
            "Ce locuteur existe déjà\u00a0: Élisabeth Borne (ministre)."
        ]
        with pytest.raises(ValidationError, match="au moins une lettre"):
            Speaker(name="…", role="x").full_clean()
        Speaker(name="Élisabeth Borne", kind=Speaker.Kind.ORGANISATION).full_clean()

    def test_unique_on_normalized_name_and_kind(self):
        SpeakerFactory(name="Élisabeth Borne")
        assert_violates(
            "speaker_unique_normalized_name_kind", lambda: SpeakerFactory(name="elisabeth borne")
        )

    def test_same_name_may_be_a_person_and_an_organisation(self):
        SpeakerFactory(name="Renaissance", kind=Speaker.Kind.PERSON)
        SpeakerFactory(name="Renaissance", kind=Speaker.Kind.ORGANISATION)
        assert Speaker.objects.filter(normalized_name="renaissance").count() == 2

    def test_wikidata_id_is_unique_when_set_and_validated(self):
        SpeakerFactory(wikidata_id="Q22686")
        assert_violates(
            "speaker_wikidata_id_unique_when_set", lambda: SpeakerFactory(wikidata_id="Q22686")
        )
        with pytest.raises(ValidationError):
            SpeakerFactory.build(wikidata_id="22686").full_clean()

    def test_str_shows_the_role(self):
        speaker = SpeakerFactory(name="H.R. McMaster", role="conseiller à la Sécurité nationale")
        assert str(speaker) == "H.R. McMaster (conseiller à la Sécurité nationale)"


class TestClaim:
    @pytest.mark.parametrize("score", [-0.01, 1.01])
    def test_check_worthiness_outside_0_1_is_refused(self, score):
        assert_violates("claim_check_worthiness_0_1", lambda: ClaimFactory(check_worthiness=score))

    @pytest.mark.parametrize("score", [None, 0.0, 0.5, 1.0])
    def test_check_worthiness_may_be_empty_or_within_0_1(self, score):
        assert ClaimFactory(check_worthiness=score).pk

    def test_text_cannot_be_empty(self):
        assert_violates("claim_text_not_empty", lambda: ClaimFactory(text=""))

    def test_a_claim_can_appear_in_several_articles(self):
        claim = ClaimFactory()
        AppearanceFactory(claim=claim)
        AppearanceFactory(claim=claim)
        assert claim.appearances.values("article").distinct().count() == 2

    def test_str_is_truncated_text(self):
        claim = ClaimFactory(text="x" * 200)
        assert len(str(claim)) <= 80


class TestAppearance:
    def test_start_must_be_before_end(self):
        assert_violates(
            "appearance_start_lt_end", lambda: AppearanceFactory(start=10, end=10, span_text="")
        )

    def test_the_same_span_is_recorded_once(self):
        appearance = AppearanceFactory()
        assert_violates(
            "appearance_unique_span",
            lambda: ClaimAppearance.objects.create(
                claim=appearance.claim,
                article=appearance.article,
                start=appearance.start,
                end=appearance.end,
                span_text=appearance.span_text,
            ),
        )

    def test_clean_fills_the_span_from_the_body(self):
        article = ArticleFactory(body="Le chômage a baissé. Fin.")
        appearance = ClaimAppearance(claim=ClaimFactory(), article=article, start=0, end=20)
        appearance.full_clean()
        assert appearance.span_text == "Le chômage a baissé."

    def test_clean_refuses_a_span_that_is_not_in_the_body(self):
        article = ArticleFactory(body="Le chômage a baissé. Fin.")
        appearance = ClaimAppearance(
            claim=ClaimFactory(), article=article, start=0, end=20, span_text="autre chose"
        )
        with pytest.raises(ValidationError, match="diffère du texte de l'article"):
            appearance.full_clean()

    def test_clean_refuses_offsets_past_the_body(self):
        article = ArticleFactory(body="Court.")
        appearance = ClaimAppearance(claim=ClaimFactory(), article=article, start=0, end=99)
        with pytest.raises(ValidationError, match="ne compte que 6 caractères"):
            appearance.full_clean()


class TestSourceAndChecks:
    def test_a_url_is_cited_once_per_claim(self):
        source = SourceFactory()
        assert_violates(
            "source_unique_url_per_claim", lambda: SourceFactory(claim=source.claim, url=source.url)
        )

    def test_the_same_url_may_back_two_claims(self):
        source = SourceFactory()
        assert SourceFactory(url=source.url).pk

    @pytest.mark.parametrize("status", [99, 600])
    def test_http_status_must_be_a_real_status(self, status):
        assert_violates(
            "sourcecheck_http_status_range", lambda: SourceCheckFactory(http_status=status)
        )

    def test_a_check_cannot_finish_before_it_starts(self):
        now = timezone.now()
        assert_violates(
            "sourcecheck_finished_after_started",
            lambda: SourceCheckFactory(started_at=now, finished_at=now - timezone.timedelta(1)),
        )

    def test_duration_and_str(self):
        check = SourceCheckFactory(http_status=404)
        assert check.duration == timezone.timedelta(0)
        with translation.override("en"):
            assert str(check) == f"Done HTTP 404 — {check.source.url}"  # the URL it fetched


class TestRatingScale:
    def test_the_default_french_scale_is_seeded(self):
        scale = RatingScale.objects.get(is_default=True)
        labels = list(scale.ratings.values_list("label_fr", flat=True))
        assert labels == [
            "Vrai",
            "Plutôt vrai",
            "Manque de contexte",
            "Trompeur",
            "Plutôt faux",
            "Faux",
            "Invérifiable",
        ]
        assert all(r.label_en and r.definition_fr and r.definition_en for r in scale.ratings.all())

    def test_higher_value_means_truer_and_context_labels_are_off_the_line(self):
        values = dict(Rating.objects.values_list("slug", "value"))
        assert values["vrai"] > values["plutot-vrai"] > values["plutot-faux"] > values["faux"]
        assert values["manque-de-contexte"] is None
        assert values["inverifiable"] is None

    def test_values_are_unique_within_a_scale(self):
        rating = default_rating("vrai")
        assert_violates(
            "rating_unique_value_per_scale",
            lambda: Rating.objects.create(
                scale=rating.scale,
                slug="tres-vrai",
                label_fr="Très vrai",
                label_en="Very true",
                value=rating.value,
            ),
        )

    def test_colour_must_be_hex(self):
        scale = RatingScale.objects.get(is_default=True)
        assert_violates(
            "rating_colour_hex",
            lambda: Rating.objects.create(
                scale=scale, slug="x", label_fr="X", label_en="X", colour="red"
            ),
        )

    def test_only_one_default_scale(self):
        assert_violates(
            "one_default_rating_scale",
            lambda: RatingScale.objects.create(slug="autre", name="Autre", is_default=True),
        )

    def test_label_by_language(self):
        rating = default_rating("plutot-faux")
        assert (rating.label("fr"), rating.label("en")) == ("Plutôt faux", "Mostly false")
        assert str(rating) == "Plutôt faux"


class TestReview:
    def test_a_claim_has_one_live_review(self):
        review = ReviewFactory()
        assert_violates(
            "review_one_live_per_claim",
            lambda: ReviewFactory(claim=review.claim, state=Review.State.DRAFT, published_at=None),
        )

    def test_an_unpublished_review_makes_room_for_a_new_one(self):
        review = ReviewFactory(state=Review.State.UNPUBLISHED)
        assert ReviewFactory(claim=review.claim, state=Review.State.DRAFT).pk

    @pytest.mark.parametrize(
        "missing", [{"rating": None}, {"published_at": None}, {"conclusion": ""}]
    )
    def test_a_published_review_is_complete(self, missing):
        assert_violates("review_published_is_complete", lambda: ReviewFactory(**missing))

    def test_a_draft_may_be_incomplete(self):
        draft = ReviewFactory(
            state=Review.State.DRAFT, rating=None, published_at=None, conclusion=""
        )
        assert draft.pk

    def test_model_validation_explains_an_incomplete_publication(self):
        review = ReviewFactory.build(claim=ClaimFactory(), published_at=None)
        with pytest.raises(ValidationError, match="doit avoir une note, une conclusion"):
            review.full_clean()

    def test_str_names_the_rating_and_the_claim(self):
        review = ReviewFactory(claim=ClaimFactory(text="La Terre est plate."))
        assert str(review) == "Faux — La Terre est plate."
