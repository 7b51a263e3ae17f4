"""The newsroom's work queues: what is waiting for whom, for the admin index and dashboard."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import FAILING_STATUSES, Claim, ReaderSubmission, Review, Source
from .roles import can

QUEUE_LENGTH = 10


@dataclass
class Queue:
    key: str
    title: str
    count: int
    list_url: str
    items: list = field(default_factory=list)  # (label, detail, admin URL)


def _changelist(model, **filters):
    url = reverse(f"admin:claims_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _queries(user):
    """Each queue's rows, the URL listing them all, and how an item reads; only those the
    user's role works on."""
    queues = []
    if can(user, "triage"):
        queues.append(
            (
                "candidates",
                _("Candidate claims to triage, most check-worthy first"),
                Claim.objects.filter(status=Claim.Status.CANDIDATE)
                .select_related("speaker")
                .order_by("-check_worthiness", "-id"),
                _changelist(Claim, status__exact="candidate"),
                lambda c: (
                    Truncator(c.text).chars(120),
                    f"{c.check_worthiness:.2f}" if c.check_worthiness is not None else "",
                    reverse("admin:claims_claim_change", args=[c.pk]),
                ),
            )
        )
    if can(user, "view"):
        queues.append(
            (
                "assigned",
                _("Claims assigned to me"),
                Claim.objects.filter(
                    assigned_to=user,
                    status__in=[
                        Claim.Status.CANDIDATE,
                        Claim.Status.SELECTED,
                        Claim.Status.IN_REVIEW,
                    ],
                ).order_by("assigned_at", "id"),
                _changelist(Claim, assigned="me"),
                lambda c: (
                    Truncator(c.text).chars(120),
                    c.get_status_display(),
                    reverse("admin:claims_claim_change", args=[c.pk]),
                ),
            )
        )
    if can(user, "approve") or can(user, "publish"):
        queues.append(
            (
                "waiting_editor",
                _("Reviews waiting for an editor"),
                Review.objects.filter(state=Review.State.IN_REVIEW)
                .select_related("claim", "author")
                .order_by("submitted_at", "id"),
                _changelist(Review, state__exact="in_review"),
                lambda r: (
                    Truncator(r.claim.text).chars(120),
                    (_("approved") if r.is_approved else _("by %(author)s"))
                    % {"author": r.author or "—"},
                    reverse("admin:claims_review_change", args=[r.pk]),
                ),
            )
        )
    if can(user, "view"):
        queues.append(
            (
                "failing_sources",
                _("Sources failing their checks"),
                Source.objects.filter(status__in=FAILING_STATUSES)
                .exclude(claim__status=Claim.Status.DISMISSED)
                .order_by("-last_checked_at", "-id"),
                reverse("admin:claims_failingsource_changelist"),
                lambda s: (
                    Truncator(str(s)).chars(120),
                    s.get_status_display(),
                    reverse("admin:claims_source_change", args=[s.pk]),
                ),
            )
        )
        queues.append(
            (
                "submissions",
                _("Reader submissions to triage"),
                ReaderSubmission.objects.filter(status=ReaderSubmission.Status.NEW).order_by(
                    "received_at", "id"
                ),
                _changelist(ReaderSubmission, status__exact="new"),
                lambda s: (
                    Truncator(s.text).chars(120),
                    s.get_kind_display(),
                    reverse("admin:claims_readersubmission_change", args=[s.pk]),
                ),
            )
        )
    return queues


def queue_counts(user):
    """How many items wait in each of the user's queues (for the admin index)."""
    return [Queue(key, title, rows.count(), url) for key, title, rows, url, _item in _queries(user)]


def work_queues(user):
    """The user's queues with their first items (for the dashboard)."""
    return [
        Queue(key, title, rows.count(), url, [item(row) for row in rows[:QUEUE_LENGTH]])
        for key, title, rows, url, item in _queries(user)
    ]
