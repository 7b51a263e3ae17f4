"""Publishing, correcting and unpublishing verdicts through their service functions."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from claims.models import Claim, Correction, Review
from claims.publishing.verdicts import (
    PublishingError,
    approve_and_publish,
    correct_review,
    publish_review,
    unpublish_review,
)
from claims.workflow.reviews import start_review

from .factories import EditorFactory, ReviewFactory, SourceFactory, default_rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory()


def ready_review(**fields):
    review = ReviewFactory(state=Review.State.IN_REVIEW, published_at=None, **fields)
    SourceFactory(claim=review.claim)
    return review


def test_publishing_makes_the_verdict_and_its_claim_public(editor):
    review = approve_and_publish(ready_review(), editor)
    assert review.state == Review.State.PUBLISHED and review.editor == editor
    assert review.published_at is not None
    assert Claim.objects.get(pk=review.claim_id).status == Claim.Status.PUBLISHED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rating": None}, "un verdict"),
        ({"conclusion": ""}, "une conclusion"),
        ({"explanation": "  "}, "une explication"),
    ],
)
def test_publishing_needs_a_rating_a_conclusion_and_an_explanation(editor, fields, message):
    review = ready_review(**fields)
    with pytest.raises(PublishingError, match=message):
        approve_and_publish(review, editor)
    assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW


def test_publishing_needs_a_source(editor):
    review = ReviewFactory(state=Review.State.IN_REVIEW, published_at=None)
    with pytest.raises(PublishingError, match="au moins une source"):
        approve_and_publish(review, editor)


def test_a_published_verdict_cannot_be_published_again(editor):
    review = approve_and_publish(ready_review(), editor)
    with pytest.raises(PublishingError):
        publish_review(review, editor)
    assert Review.objects.get(pk=review.pk).version == review.version


def test_a_correction_changes_the_verdict_and_logs_a_dated_public_note(editor):
    review = approve_and_publish(ready_review(), editor)
    corrected = correct_review(
        review, "Le verdict passe de Faux à Trompeur.", editor, rating=default_rating("trompeur")
    )
    assert corrected.rating.slug == "trompeur"
    note = Correction.objects.get(review=review)
    assert note.note == "Le verdict passe de Faux à Trompeur." and note.created_by == editor


def test_a_correction_can_say_the_verdict_is_in_another_language(editor):
    review = approve_and_publish(ready_review(), editor)
    corrected = correct_review(review, "Verdict traduit en anglais.", editor, language="en")
    assert Review.objects.get(pk=review.pk).language == "en" == corrected.language
    assert Correction.objects.get(review=review).note == "Verdict traduit en anglais."
    with pytest.raises(ValidationError, match="language"):
        correct_review(corrected, "Note.", editor, language="de")
    with pytest.raises(ValueError, match="claim"):
        correct_review(corrected, "Note.", editor, claim=ReviewFactory().claim)
    assert Correction.objects.filter(review=review).count() == 1


def test_a_correction_needs_a_note_and_a_published_verdict(editor):
    review = approve_and_publish(ready_review(), editor)
    with pytest.raises(PublishingError, match="note publique"):
        correct_review(review, "  ", editor, conclusion="Autre.")
    draft = ReviewFactory(state=Review.State.DRAFT, published_at=None)
    with pytest.raises(PublishingError, match="Seul un verdict publié"):
        correct_review(draft, "Note.", editor)
    assert not Correction.objects.exists()


def test_a_correction_cannot_empty_the_conclusion(editor):
    review = approve_and_publish(ready_review(), editor)
    with pytest.raises(ValidationError, match="conclusion"):
        correct_review(review, "Note.", editor, conclusion="")
    assert Review.objects.get(pk=review.pk).conclusion == "Le chiffre est faux."


def test_unpublishing_takes_the_verdict_off_and_keeps_it_as_history(editor):
    review = unpublish_review(approve_and_publish(ready_review(), editor), editor)
    assert review.state == Review.State.UNPUBLISHED
    assert Claim.objects.get(pk=review.claim_id).status == Claim.Status.SELECTED
    with pytest.raises(PublishingError):
        unpublish_review(review, editor)


@pytest.mark.parametrize("state", ["published", "in_review", "draft"])
def test_a_claim_whose_verdict_is_deleted_goes_back_to_selected(editor, state):
    """A superuser may delete a verdict; its claim must not stay stuck in review or
    published, where no workflow action leads out without a live verdict."""
    review = ready_review()
    if state == "published":
        review = approve_and_publish(review, editor)
    elif state == "draft":
        Review.objects.filter(pk=review.pk).update(state=Review.State.DRAFT)
    Claim.objects.filter(pk=review.claim_id).update(
        status=Claim.Status.PUBLISHED if state == "published" else Claim.Status.IN_REVIEW
    )
    review.delete()
    claim = Claim.objects.get(pk=review.claim_id)
    assert claim.status == Claim.Status.SELECTED
    assert claim.history.first().history_change_reason == gettext("Verdict deleted")
    # And the newsroom can work on it again.
    assert start_review(claim, EditorFactory(), rating=default_rating("faux")).claim == claim


def test_a_claim_keeps_its_status_while_another_verdict_is_live(editor):
    published = approve_and_publish(ready_review(), editor)
    old = ReviewFactory(claim=published.claim, state=Review.State.UNPUBLISHED)
    old.delete()
    assert Claim.objects.get(pk=published.claim_id).status == Claim.Status.PUBLISHED


def test_deleting_a_claim_with_its_verdict_deletes_both(editor):
    review = approve_and_publish(ready_review(), editor)
    review.claim.delete()
    assert not Claim.objects.filter(pk=review.claim_id).exists()
    assert not Review.objects.filter(pk=review.pk).exists()
