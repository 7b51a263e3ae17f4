"""Triage: fact-checkers select candidate claims for checking or dismiss them."""

from django.db import transaction

from .models import Claim

TRIAGEABLE = (Claim.Status.CANDIDATE, Claim.Status.SELECTED, Claim.Status.DISMISSED)


@transaction.atomic
def set_triage_status(claims, status):
    """Move claims still in triage to ``status``; claims in review or published are left alone.

    Returns the number of claims changed.
    """
    if status not in TRIAGEABLE:
        raise ValueError(f"{status!r} is not a triage status")
    changed = 0
    # A plain queryset on the ids: the admin's carries joins that FOR UPDATE cannot lock.
    locked = Claim.objects.filter(pk__in=claims.values("pk")).select_for_update()
    for claim in locked.filter(status__in=TRIAGEABLE).exclude(status=status):
        claim.status = status
        claim.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed
