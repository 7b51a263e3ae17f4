"""Publishing, correcting and unpublishing verdicts: the only ways a verdict goes public."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Claim, Correction, Review, WebhookEvent
from .webhooks import queue_event


class PublishingError(ValidationError):
    """The verdict cannot make this move; the message says why."""


def published_reviews():
    """Every verdict readers may see."""
    return Review.objects.filter(state=Review.State.PUBLISHED)


def listed_reviews():
    """Published verdicts with what a list shows, and without the wide columns it does not:
    sorting search results carries whole rows, so narrow rows sort in memory, not on disk."""
    return (
        published_reviews()
        .select_related("claim__speaker", "rating")
        .defer("search_vector", "explanation", "claim__checkworthiness_reasons")
    )


def _locked(review):
    return Review.objects.select_for_update().select_related("claim").get(pk=review.pk)


def missing_for_publication(review):
    """What still keeps ``review`` from publication, as readable messages."""
    missing = []
    if review.rating_id is None:
        missing.append(_("a rating"))
    if not review.conclusion.strip():
        missing.append(_("a conclusion"))
    if not review.explanation.strip():
        missing.append(_("an explanation"))
    if not review.claim.sources.exists():
        missing.append(_("at least one source"))
    return missing


@transaction.atomic
def publish_review(review, editor, now=None):
    """Publish ``review`` (a draft or one in review) and its claim; returns the fresh review."""
    review = _locked(review)
    if review.state not in (Review.State.DRAFT, Review.State.IN_REVIEW):
        raise PublishingError(
            _("Only a draft or a review in review can be published; this one is %(state)s.")
            % {"state": review.get_state_display()}
        )
    missing = missing_for_publication(review)
    if missing:
        raise PublishingError(_("Publishing needs %(missing)s.") % {"missing": ", ".join(missing)})
    review.state = Review.State.PUBLISHED
    review.editor = editor
    review.published_at = review.published_at or now or timezone.now()
    review.save(update_fields=["state", "editor", "published_at", "updated_at"])
    Claim.objects.filter(pk=review.claim_id).update(
        status=Claim.Status.PUBLISHED, updated_at=timezone.now()
    )
    queue_event(review, WebhookEvent.PUBLISHED)
    return review


@transaction.atomic
def correct_review(review, note, user, **changes):
    """Change a published verdict and log the change with a dated public ``note``."""
    review = _locked(review)
    if review.state != Review.State.PUBLISHED:
        raise PublishingError(_("Only a published verdict can be corrected."))
    if not (note or "").strip():
        raise PublishingError(_("A correction needs a public note saying what changed."))
    allowed = {"rating", "conclusion", "explanation"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot correct {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(review, field, value)
    review.full_clean(exclude=["claim", "author", "editor"])
    review.save(update_fields=[*changes, "updated_at"])
    Correction.objects.create(review=review, note=note.strip(), created_by=user)
    queue_event(review, WebhookEvent.CORRECTED)
    return review


@transaction.atomic
def unpublish_review(review, user):
    """Take a verdict off the public site; it stays in the admin as history."""
    review = _locked(review)
    if review.state != Review.State.PUBLISHED:
        raise PublishingError(_("Only a published verdict can be unpublished."))
    review.state = Review.State.UNPUBLISHED
    review.save(update_fields=["state", "updated_at"])
    Claim.objects.filter(pk=review.claim_id).update(
        status=Claim.Status.SELECTED, updated_at=timezone.now()
    )
    queue_event(review, WebhookEvent.UNPUBLISHED)
    return review
