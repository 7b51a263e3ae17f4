"""Publishing, correcting, unpublishing and deleting verdicts: the only ways a verdict goes
public, and what partners learn when one leaves.

Each needs the editor's permission (``claims.workflow.roles``) and is logged in the history.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Claim, Correction, Review, Tombstone, WebhookEvent
from ..workflow.errors import NotAllowed, WorkflowError
from ..workflow.history import record
from ..workflow.reviews import (
    EDITABLE_FIELDS,
    approve_review,
    check_version,
    four_eyes_refusal,
)
from ..workflow.roles import require
from .webhooks import queue_event


class PublishingError(WorkflowError):
    """The verdict cannot make this move; the message says why."""


def published_reviews():
    """Every verdict readers may see."""
    return Review.objects.filter(state=Review.State.PUBLISHED)


# What a list item, a feed entry and a search result read, and nothing else: sorting search
# results carries whole rows (narrow rows sort in memory, not on disk), and every column left out
# (explanations, rating definitions, a claim's extraction details) is one less to convert and
# copy into a model per row. A column read but not listed here costs a query per row: the
# query counts in tests/test_views_*.py and tests/test_feeds.py would fail.
LISTED_FIELDS = (
    "published_at",
    "synced_at",
    "conclusion",
    "language",
    "claim__text",
    "claim__language",
    "claim__speaker__name",
    "claim__speaker__role",
    "rating__slug",
    "rating__label_fr",
    "rating__label_en",
    "rating__colour",
)


def listed_reviews():
    """Published verdicts with what a list shows, and without the columns it does not."""
    return published_reviews().select_related("claim__speaker", "rating").only(*LISTED_FIELDS)


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


def _set_claim_status(claim, status, user, reason):
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.status = status
    record(claim, user, reason)
    claim.save(update_fields=["status", "updated_at"])


@transaction.atomic
def publish_review(review, editor, now=None):
    """Publish an approved review and its claim; returns the fresh review."""
    require(editor, "publish")
    review = _locked(review)
    if review.state != Review.State.IN_REVIEW:
        raise PublishingError(
            _("Only a review submitted to an editor can be published; this one is %(state)s.")
            % {"state": review.get_state_display().lower()}
        )
    if not review.is_approved:
        raise PublishingError(_("An editor must approve this review before it is published."))
    refusal = four_eyes_refusal(review, editor)
    if refusal:
        raise NotAllowed(refusal)
    missing = missing_for_publication(review)
    if missing:
        raise PublishingError(_("Publishing needs %(missing)s.") % {"missing": ", ".join(missing)})
    review.state = Review.State.PUBLISHED
    review.published_at = review.published_at or now or timezone.now()
    review.version += 1
    record(review, editor, _("Published"))
    review.save(update_fields=["state", "published_at", "version", "updated_at"])
    _set_claim_status(review.claim, Claim.Status.PUBLISHED, editor, _("Verdict published"))
    queue_event(review, WebhookEvent.PUBLISHED)
    return review


@transaction.atomic
def approve_and_publish(review, editor, now=None):
    """The editor's one-step approval and publication of a review in review."""
    if not _locked(review).is_approved:
        approve_review(review, editor)
    return publish_review(review, editor, now=now)


@transaction.atomic
def correct_review(review, note, user, expected_version=None, **changes):
    """Change a published verdict and log the change with a dated public ``note``."""
    require(user, "correct")
    if expected_version is not None:
        check_version(review, expected_version)
    review = _locked(review)
    if review.state != Review.State.PUBLISHED:
        raise PublishingError(_("Only a published verdict can be corrected."))
    if not (note or "").strip():
        raise PublishingError(_("A correction needs a public note saying what changed."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot correct {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(review, field, value)
    review.full_clean(exclude=["claim", "author", "editor", "search_vector"])
    review.version += 1
    review.last_edited_by = user
    record(review, user, _("Corrected: %(note)s") % {"note": note.strip()})
    review.save(update_fields=[*changes, "last_edited_by", "version", "updated_at"])
    Correction.objects.create(review=review, note=note.strip(), created_by=user)
    queue_event(review, WebhookEvent.CORRECTED)
    return review


@transaction.atomic
def correct_evidence(claim, note, user):
    """Log a correction on ``claim``'s published verdict after its words or evidence changed.

    Returns the corrected review, or None when the claim has no published verdict.
    """
    review = claim.reviews.filter(state=Review.State.PUBLISHED).first()
    if review is None:
        return None
    return correct_review(review, note, user)


@transaction.atomic
def unpublish_review(review, user):
    """Take a verdict off the public site; it stays in the admin as history."""
    require(user, "unpublish")
    review = _locked(review)
    if review.state != Review.State.PUBLISHED:
        raise PublishingError(_("Only a published verdict can be unpublished."))
    review.state = Review.State.UNPUBLISHED
    review.version += 1
    record(review, user, _("Unpublished"))
    review.save(update_fields=["state", "version", "updated_at"])
    _set_claim_status(review.claim, Claim.Status.SELECTED, user, _("Verdict unpublished"))
    queue_event(review, WebhookEvent.UNPUBLISHED)
    return review


def review_deleted(review, now=None, with_claim=False):
    """After a review's row is deleted (by a superuser, or ``with_claim``): its claim, left
    with no live verdict, goes back to selected; if it was public once, partners learn it is
    gone, through a feed tombstone and a ``review.deleted`` event."""
    if not with_claim:
        _release_claim(review)
    if review.state not in (Review.State.PUBLISHED, Review.State.UNPUBLISHED):
        return None
    now = now or timezone.now()
    tombstone, _created = Tombstone.objects.update_or_create(
        review_id=review.pk, defaults={"deleted_at": now}
    )
    queue_event(review, WebhookEvent.DELETED, now)
    return tombstone


def _release_claim(review):
    """A claim in review or published whose verdict was deleted would be stuck there: no
    workflow action leads out of those states without a live verdict."""
    stuck = (Claim.Status.IN_REVIEW, Claim.Status.PUBLISHED)
    claim = Claim.objects.filter(pk=review.claim_id, status__in=stuck).first()
    if claim is None or claim.reviews.filter(state__in=Review.LIVE_STATES).exists():
        return
    _set_claim_status(claim, Claim.Status.SELECTED, None, _("Verdict deleted"))
