"""A published claim is what readers see under its verdict: its words, speaker, appearances
and sources change only for a role that may correct, and only with a dated public note.

Used by the claim admin (its fields and evidence inlines) and the source admin.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ..models import Claim
from ..publishing.verdicts import correct_evidence
from ..workflow.reviews import claim_edited
from ..workflow.roles import can
from .edit_conflicts import EditConflictForm

NOTE_FIELD = "correction_note"
LAST_SOURCE = _(
    "A published verdict shows at least one source: add the one that replaces it before "
    "removing the last, or unpublish the verdict."
)
ROW_GONE = _(
    "Someone removed a row of this list since you opened the page, so nothing was saved: "
    "reload the page to see the list as it is now."
)
NOTE_NEEDED = _(
    "This claim's verdict is published: say in the correction note what you changed. "
    "Readers see it, dated, under the verdict."
)


def is_published(claim):
    return claim is not None and claim.status == Claim.Status.PUBLISHED


def published_and_locked(request, claim):
    """Whether ``request.user`` may only read ``claim``: published, and they may not correct."""
    return is_published(claim) and not can(request.user, "correct")


def correction_note_field():
    return forms.CharField(
        label=_("correction note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when you change what readers see under a published verdict; "
            "shown to them, dated, in the verdict's corrections log."
        ),
    )


def posted_note(data):
    return (data.get(NOTE_FIELD) or "").strip()


class EvidenceFormSet(BaseInlineFormSet):
    """An inline of a claim's evidence: changing it under a published verdict needs the note
    posted with the claim's form (same request, so read from the formset's data)."""

    def clean(self):
        super().clean()
        # Django's own error for it sits on the row's hidden id, which the page does not show.
        pk_name = self.model._meta.pk.name
        if any(pk_name in form.errors for form in self.initial_forms):
            raise ValidationError(ROW_GONE)
        if is_published(self.instance) and self.has_changed() and not posted_note(self.data):
            raise ValidationError(NOTE_NEEDED)


class SourceFormSet(EvidenceFormSet):
    """A claim's sources: a published verdict keeps at least one, as publishing required."""

    def clean(self):
        super().clean()
        removed = {form.instance.pk for form in self.deleted_forms if form.instance.pk}
        # Only a save that removes one: a verdict left without any before this rule can
        # still have its claim's internal fields and notes saved.
        if not removed or not is_published(self.instance):
            return
        added = sum(
            1
            for form in self.forms
            if not form.instance.pk and form.has_changed() and not self._should_delete_form(form)
        )
        # Counted in the database under the claim's row lock, which the claim's form took
        # (lock_for_edit) before these rows were read, and holds until the admin's save
        # commits: two editors removing one source each from pages read when it had two would
        # otherwise each leave "the other one", and together none.
        if self.instance.sources.exclude(pk__in=removed).count() + added == 0:
            raise ValidationError(LAST_SOURCE)


class LockedOncePublishedInline:
    """An inline of the claim's evidence: read-only on a published claim for roles that may
    not correct, and changed by the others only with a correction note."""

    formset = EvidenceFormSet

    def has_add_permission(self, request, obj=None):
        return not published_and_locked(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not published_and_locked(request, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not published_and_locked(request, obj) and super().has_delete_permission(
            request, obj
        )


class CorrectionNoteForm(EditConflictForm):
    """A form for part of what readers see under a verdict (``PUBLIC_FIELDS``): under a
    published one, a change to those fields, or a new row, needs the correction note."""

    PUBLIC_FIELDS = ()
    correction_note = correction_note_field()

    def claim_of(self, cleaned):
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        self.changes_what_readers_see = self.instance._state.adding or bool(
            set(self.changed_data) & set(self.PUBLIC_FIELDS)
        )
        claim = self.claim_of(cleaned)
        if is_published(claim) and self.changes_what_readers_see and not posted_note(cleaned):
            self.add_error(NOTE_FIELD, NOTE_NEEDED)
        return cleaned


def evidence_changed(formsets):
    """Whether any of the claim's evidence inlines changed in this request."""
    return any(isinstance(f, EvidenceFormSet) and f.has_changed() for f in formsets)


def log_correction(claim, form, user, changed):
    """After a save that ``changed`` what ``claim``'s verdict shows: log the form's note on
    the published verdict, or withdraw the approval of one in progress."""
    if not changed:
        return
    if is_published(claim):
        correct_evidence(claim, form.cleaned_data[NOTE_FIELD], user)
    else:
        claim_edited(claim, user)


class SharedRecordForm(EditConflictForm):
    """A form for a record several claims share (an article, a speaker): under published
    verdicts, a change to what readers see (``PUBLIC_FIELDS``) needs the correction note,
    which is then logged on each of those verdicts."""

    PUBLIC_FIELDS = ()
    correction_note = correction_note_field()

    def clean(self):
        cleaned = super().clean()
        touched = bool(set(self.changed_data) & set(self.PUBLIC_FIELDS))
        self.changes_what_readers_see = (
            touched and not self.instance._state.adding and published_claims(self.instance)
        )
        if self.changes_what_readers_see and not posted_note(cleaned):
            self.add_error(NOTE_FIELD, SHARED_NOTE_NEEDED)
        return cleaned


SHARED_NOTE_NEEDED = _(
    "Published verdicts show this: say in the correction note what you changed. Readers see "
    "it, dated, under each of them."
)


def published_claims(record):
    """The published claims that show ``record`` (an article or a speaker) to readers."""
    return list(record.published_claims().order_by("pk"))


def shared_and_locked(request, record):
    """Whether ``request.user`` may only read ``record``: shown under a published verdict, and
    they may not correct."""
    return (
        record is not None
        and not can(request.user, "correct")
        and bool(record.pk and published_claims(record))
    )


def claims_in_review(record):
    """The claims whose verdict in progress shows ``record`` (an article or a speaker)."""
    claims = Claim.objects.filter(status=Claim.Status.IN_REVIEW)
    if hasattr(record, "appearances"):
        return list(claims.filter(appearances__article=record).distinct())
    return list(claims.filter(speaker=record))


def log_shared_correction(claims, note, user):
    """After a save that changed what readers see under these published claims' verdicts."""
    for claim in claims:
        correct_evidence(claim, note, user)
