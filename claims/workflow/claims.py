"""Claims: triage (select, dismiss, reopen), assignment and internal notes."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Claim, ClaimNote
from .errors import NotAllowed, WorkflowError
from .history import record
from .roles import EDITOR, FACT_CHECKER, can, require

Status = Claim.Status

# For each status triage moves a claim to, the statuses it may come from. A claim in review
# or published has a live verdict: it leaves triage until that verdict is unpublished.
TRIAGE_MOVES = {
    Status.SELECTED: {Status.CANDIDATE, Status.DISMISSED},
    Status.DISMISSED: {Status.CANDIDATE, Status.SELECTED},
    Status.CANDIDATE: {Status.DISMISSED, Status.SELECTED},
}


def _locked(claim):
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _move(claim, status, user, reason, dismissal_reason=""):
    if claim.status not in TRIAGE_MOVES[status]:
        raise WorkflowError(
            _("A claim that is %(current)s cannot be %(target)s.")
            % {
                "current": claim.get_status_display().lower(),
                "target": Status(status).label.lower(),
            }
        )
    claim.status = status
    claim.dismissal_reason = dismissal_reason
    record(claim, user, reason)
    claim.save(update_fields=["status", "dismissal_reason", "updated_at"])
    return claim


@transaction.atomic
def select_claim(claim, user):
    """Select a candidate (or dismissed) claim for checking."""
    require(user, "triage")
    return _move(_locked(claim), Status.SELECTED, user, _("Selected for checking"))


@transaction.atomic
def dismiss_claim(claim, user, reason):
    """Dismiss a claim that will not be checked; the reason is kept with it."""
    require(user, "triage")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the claim is dismissed."))
    claim = _locked(claim)
    return _move(
        claim, Status.DISMISSED, user, _("Dismissed: %(reason)s") % {"reason": reason}, reason
    )


@transaction.atomic
def reopen_claim(claim, user):
    """Put a dismissed or selected claim back among the candidates."""
    require(user, "triage")
    return _move(_locked(claim), Status.CANDIDATE, user, _("Back to candidates"))


def triage_claims(claims, status, user, reason=""):
    """Apply a triage move to many claims; returns (moved, refusals as messages)."""
    moves = {
        Status.SELECTED: lambda claim: select_claim(claim, user),
        Status.DISMISSED: lambda claim: dismiss_claim(claim, user, reason),
        Status.CANDIDATE: lambda claim: reopen_claim(claim, user),
    }
    moved, refused = 0, []
    for claim in claims:
        if claim.status == status:
            continue
        try:
            moves[status](claim)
        except WorkflowError as error:
            refused.append(f"{claim}: {' '.join(error.messages)}")
        else:
            moved += 1
    return moved, refused


@transaction.atomic
def assign_claim(claim, assignee, user):
    """Give ``claim`` to ``assignee`` (None to release it).

    Editors assign anyone; a fact-checker may take an unassigned claim or release their own.
    """
    claim = _locked(claim)
    if not can(user, "assign"):
        require(user, "triage")
        taking = assignee == user and claim.assigned_to_id in (None, user.pk)
        releasing = assignee is None and claim.assigned_to_id == user.pk
        if not (taking or releasing):
            raise NotAllowed(_("Only an editor can assign a claim to someone else."))
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise WorkflowError(_("Claims can only be assigned to active newsroom staff."))
    if claim.status in (Status.DISMISSED, Status.PUBLISHED) and assignee is not None:
        raise WorkflowError(
            _("A %(status)s claim needs no one assigned.")
            % {"status": claim.get_status_display().lower()}
        )
    claim.assigned_to = assignee
    claim.assigned_at = timezone.now() if assignee else None
    reason = (
        _("Assigned to %(user)s") % {"user": assignee.get_username()}
        if assignee
        else _("Unassigned")
    )
    record(claim, user, reason)
    claim.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    return claim


def assignable_users():
    """Who can be given a claim: active staff in a newsroom role, or superusers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[FACT_CHECKER, EDITOR]))
        .distinct()
        .order_by("username")
    )


def add_note(claim, user, text):
    """Write an internal note on ``claim``; staff only, never published."""
    require(user, "view")
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("A note cannot be empty."))
    return ClaimNote.objects.create(claim=claim, author=user, text=text)
