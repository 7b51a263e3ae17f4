"""Reviews before publication: draft, edit (with optimistic locking), submit, send back, approve.

Publishing, correcting and unpublishing are in ``claims.publishing.verdicts``.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Claim, LinkStatus, Review, SourceCheck
from .errors import EditConflict, NotAllowed, WorkflowError
from .history import record
from .roles import require

State = Review.State
EDITABLE_FIELDS = ("rating", "language", "conclusion", "explanation")


def _locked(review):
    return Review.objects.select_for_update().select_related("claim").get(pk=review.pk)


def lock_for_edit(claim_id):
    """Lock a claim's live verdict, then the claim, in the order the workflow takes them (an
    admin page that took the claim first would deadlock with an approval)."""
    live = Review.objects.select_for_update().filter(
        claim_id=claim_id, state__in=Review.LIVE_STATES
    )
    list(live.values_list("pk", flat=True))
    list(Claim.objects.select_for_update(no_key=True).filter(pk=claim_id).values_list("pk"))


def _bump(review, user, reason, fields):
    review.version += 1
    record(review, user, reason)
    review.save(update_fields=[*fields, "version", "updated_at"])
    return review


@transaction.atomic
def start_review(claim, user, **fields):
    """Start the draft verdict on a selected claim; the claim goes in review."""
    require(user, "draft")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status not in (Claim.Status.SELECTED, Claim.Status.IN_REVIEW):
        raise WorkflowError(_("Select the claim for checking before drafting its verdict."))
    if claim.reviews.filter(state__in=Review.LIVE_STATES).exists():
        raise WorkflowError(_("This claim already has a verdict in progress."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot set {', '.join(sorted(unknown))}")
    review = Review(claim=claim, author=user, last_edited_by=user, state=State.DRAFT, **fields)
    review.full_clean(exclude=["search_vector"])
    record(review, user, _("Draft started"))
    review.save()
    if claim.status != Claim.Status.IN_REVIEW:
        claim.status = Claim.Status.IN_REVIEW
        record(claim, user, _("Verdict drafted"))
        claim.save(update_fields=["status", "updated_at"])
    return review


def check_version(review, expected_version):
    """Refuse to save over a newer version than the one the user started from.

    Call it inside the saving transaction: it locks the row until that transaction ends.
    """
    current = Review.objects.select_for_update().get(pk=review.pk)
    if expected_version is not None and current.version != int(expected_version):
        last = current.history.order_by("-history_date", "-history_id").first()
        who = last.history_user if last and last.history_user else _("someone else")
        raise EditConflict(
            _(
                "%(who)s saved this review at %(when)s, after you opened it. Your changes were "
                "not saved, so theirs are not lost: reload the page, then make your changes again."
            )
            % {
                "who": who,
                "when": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
            }
        )
    return current


def check_transition_version(review, expected_version):
    """Refuse a move (submit, approve, publish…) made from a page older than the last save.

    Call it inside the move's transaction: it locks the row until that transaction ends.
    """
    current = Review.objects.select_for_update().get(pk=review.pk)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    if expected != current.version:
        last = current.history.order_by("-history_date", "-history_id").first()
        who = last.history_user if last and last.history_user else _("someone else")
        raise EditConflict(
            _(
                "%(who)s saved this review at %(when)s, after you opened it, so nothing was "
                "done: read the review again, then choose again."
            )
            % {
                "who": who,
                "when": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
            }
        )
    return current


@transaction.atomic
def save_review(review, user, expected_version, fields=EDITABLE_FIELDS):
    """Save a fact-checker's or editor's edits to a review not yet published.

    ``review`` carries the new values; ``expected_version`` is the version the user's form
    was opened on. An edit after approval withdraws the approval.
    """
    require(user, "draft")
    current = check_version(review, expected_version)
    changed = [f for f in fields if getattr(current, f) != getattr(review, f)]
    if not changed:
        return current
    if current.state not in (State.DRAFT, State.IN_REVIEW):
        raise WorkflowError(
            _("A %(state)s verdict cannot be edited; correct it instead.")
            % {"state": current.get_state_display().lower()}
        )
    for field in changed:
        setattr(current, field, getattr(review, field))
    current.full_clean(exclude=["search_vector", "claim"])
    current.last_edited_by = user
    changed.append("last_edited_by")
    reason = _("Edited")
    if current.approved_at:
        current.approved_at = None
        current.editor = None
        changed += ["approved_at", "editor"]
        reason = _("Edited after approval: approval withdrawn")
    return _bump(current, user, reason, changed)


@transaction.atomic
def claim_edited(claim, user, cause=None):
    """After an edit of what ``claim``'s verdict will show (its words, speaker, sources, where
    it appeared): its verdict in progress moves to a new version, so a move made from a page
    read before is refused, and an approval is withdrawn, as the editor approved what they
    read. ``cause`` replaces "Claim or its evidence edited" in the history. Returns that
    review, or None."""
    review = (
        Review.objects.select_for_update()
        .filter(claim_id=claim.pk, state__in=(State.DRAFT, State.IN_REVIEW))
        .first()
    )
    if review is None:
        return None
    fields, reason = [], cause or _("Claim or its evidence edited")
    if user is not None:
        # What they changed is part of the verdict and nobody else has read it: under the
        # four-eyes rule they may no longer approve it (approval_refusal). That holds for an
        # import too: its importer chose the article that now shows under the verdict.
        review.last_edited_by = user
        fields.append("last_edited_by")
    if review.approved_at:
        review.approved_at, review.editor = None, None
        fields += ["approved_at", "editor"]
        reason = (
            _("%(cause)s: approval withdrawn") % {"cause": cause}
            if cause
            else _("Claim or its evidence edited after approval: approval withdrawn")
        )
    return _bump(review, user, reason, fields)


@transaction.atomic
def submit_review(review, user):
    """Hand a draft to the editors."""
    require(user, "submit")
    review = _locked(review)
    if review.state != State.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted to an editor."))
    review.state = State.IN_REVIEW
    review.submitted_at = timezone.now()
    # Submitting stands for the text as it is, an editor's changes included.
    review.last_edited_by = user
    return _bump(
        review, user, _("Submitted to an editor"), ["state", "submitted_at", "last_edited_by"]
    )


@transaction.atomic
def return_review(review, user, reason):
    """Send a review in review back to its author as a draft, saying what to change."""
    require(user, "approve")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say what the author should change."))
    review = _locked(review)
    if review.state != State.IN_REVIEW:
        raise WorkflowError(_("Only a review waiting for an editor can be sent back."))
    review.state = State.DRAFT
    review.approved_at = None
    review.editor = None
    return _bump(
        review,
        user,
        _("Sent back to the author: %(reason)s") % {"reason": reason},
        ["state", "approved_at", "editor"],
    )


def four_eyes_refusal(review, user):
    """The message refusing ``user`` as the publisher of ``review``, or None if they may be."""
    if settings.FOUR_EYES_PUBLISHING and review.author_id and review.author_id == user.pk:
        return _(
            "Four-eyes rule: another editor must approve and publish this verdict, "
            "since you wrote it."
        )
    return None


def approval_refusal(review, user):
    """The message refusing ``user`` as the approver of ``review``, or None if they may be.

    Besides the author, whoever made the last change to it or to its claim cannot approve it:
    nobody else has read that change.
    """
    refusal = four_eyes_refusal(review, user)
    if refusal or not settings.FOUR_EYES_PUBLISHING:
        return refusal
    if review.last_edited_by_id and review.last_edited_by_id == user.pk:
        return _(
            "Four-eyes rule: you made the last change to this verdict or its claim, so nobody "
            "else has read it. Another editor must approve it, or send it back so its author "
            "can check your changes."
        )
    return None


@transaction.atomic
def approve_review(review, user):
    """An editor approves the text of a review in review; any later edit withdraws it."""
    require(user, "approve")
    review = _locked(review)
    if review.state != State.IN_REVIEW:
        raise WorkflowError(_("Only a review submitted to an editor can be approved."))
    refusal = approval_refusal(review, user)
    if refusal:
        raise NotAllowed(refusal)
    review.approved_at = timezone.now()
    review.editor = user
    return _bump(review, user, _("Approved"), ["approved_at", "editor"])


def publication_warnings(review):
    """What an editor should look at before publishing, without blocking it."""
    # The last finished check of each source at its current URL, for all sources at once.
    # A subquery, not DISTINCT ON: the demo's SQLite has no DISTINCT ON.
    last_check = (
        SourceCheck.objects.filter(
            source_id=OuterRef("pk"), url=OuterRef("url"), state=SourceCheck.State.DONE
        )
        .order_by("-finished_at", "-id")
        .values("id")[:1]
    )
    last_ids = review.claim.sources.annotate(last=Subquery(last_check)).values("last")
    last_checks = {
        check.source_id: check
        for check in SourceCheck.objects.filter(pk__in=last_ids).only("source_id", "quote_results")
    }
    warnings = []
    for source in review.claim.sources.all():
        if source.status == LinkStatus.DEAD:
            warnings.append(
                _("The source %(source)s was dead at its last check.") % {"source": source}
            )
        last = last_checks.get(source.pk)
        for result in (last.quote_results if last else []) or []:
            if result.get("verdict") in ("altered", "absent"):
                warnings.append(
                    _("The quote « %(quote)s » is %(verdict)s in %(source)s.")
                    % {
                        "quote": result.get("quote", ""),
                        "verdict": _("altered") if result["verdict"] == "altered" else _("absent"),
                        "source": source,
                    }
                )
    return warnings
