"""Verdicts: drafting, the editor's decisions and corrections."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import Claim, Correction, Language, Rating, Review
from ..publishing.verdicts import (
    approve_and_publish,
    correct_review,
    missing_for_publication,
    publish_review,
    unpublish_review,
)
from ..workflow.reviews import (
    EDITABLE_FIELDS,
    approve_review,
    check_transition_version,
    check_version,
    publication_warnings,
    return_review,
    save_review,
    start_review,
    submit_review,
)
from ..workflow.roles import can
from .common import HistoryAdmin, action_form_page


class CorrectionInline(admin.TabularInline):
    """The public corrections log; notes are written when a published verdict is corrected."""

    model = Correction
    fields = ["created_at", "note", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


VERSION_MISSING = _(
    "This form did not say which version of the review it was opened on, so your changes "
    "were not saved: reload the page, then make them again."
)


class ReviewForm(forms.ModelForm):
    """The review's text, with the version it was opened on (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Review
        fields = ["claim", *EDITABLE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        claim = cleaned.get("claim")
        if (
            not self.instance.pk
            and claim
            and claim.reviews.filter(state__in=Review.LIVE_STATES).exists()
        ):
            raise forms.ValidationError(_("This claim already has a verdict in progress."))
        if self.instance.pk:
            if cleaned.get("expected_version") is None:
                # Without it there is nothing to compare: a post that left it out (forged, or
                # from a page that lost it) would save over whatever came in between.
                raise forms.ValidationError(VERSION_MISSING)
            # The admin saves inside a transaction: the row stays locked until it commits.
            try:
                check_version(self.instance, cleaned.get("expected_version"))
            except ValidationError as conflict:
                raise forms.ValidationError(conflict.messages) from None
        return cleaned


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("Public note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readers see it, dated, in the verdict's corrections log."),
    )
    rating = forms.ModelChoiceField(label=_("Rating"), queryset=Rating.objects.all())
    language = forms.ChoiceField(
        label=_("Language of the verdict"),
        choices=Language.choices,
        help_text=_("The language the conclusion and explanation are written in."),
    )
    conclusion = forms.CharField(label=_("Conclusion"), max_length=500)
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea)
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


# Each button on a review's page: the service it calls and the action (role) it needs.
TRANSITIONS = {
    "submit": (submit_review, "submit", _("Submitted to an editor.")),
    "approve": (approve_review, "approve", _("Approved.")),
    "publish": (publish_review, "publish", _("Published.")),
    "approve_publish": (approve_and_publish, "publish", _("Approved and published.")),
    "unpublish": (unpublish_review, "unpublish", _("Unpublished.")),
}


@admin.register(Review)
class ReviewAdmin(HistoryAdmin):
    form = ReviewForm
    change_form_template = "admin/claims/review/change_form.html"
    list_display = ["claim_text", "rating", "state", "author", "editor", "published_at"]
    list_filter = ["state", "rating", "language", "published_at"]
    search_fields = ["claim__text", "conclusion", "explanation"]
    list_select_related = ["claim", "rating", "author", "editor"]
    autocomplete_fields = ["claim"]
    date_hierarchy = "published_at"
    inlines = [CorrectionInline]
    history_list_display = ["state", "version"]
    STATUS_FIELDS = [
        "state",
        "author",
        "last_edited_by",
        "submitted_at",
        "editor",
        "approved_at",
        "published_at",
        "version",
        "checks_before_publishing",
    ]

    # For the history list (history_list_display), which showed the raw value; the change
    # page and the list still show the field, by its choices.
    @admin.display(description=_("state"), ordering="state")
    def state(self, review):
        return review.get_state_display()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["claim", *EDITABLE_FIELDS]
        return ["claim", *EDITABLE_FIELDS, *self.STATUS_FIELDS, "expected_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = obj.state in (Review.State.DRAFT, Review.State.IN_REVIEW)
        # Published text changes only through a correction, which logs a public note.
        return ["claim", *self.STATUS_FIELDS] + ([] if editable else list(EDITABLE_FIELDS))

    class Media:
        css = {"all": ["claims/admin.css"]}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.state not in (Review.State.DRAFT, Review.State.IN_REVIEW):
            # Nothing on the form can change: corrections and unpublishing have their buttons.
            context.update(show_save=False, show_save_and_continue=False)
            context.update(show_save_and_add_another=False, show_delete=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claim":
            # A verdict is drafted on a claim selected for checking.
            kwargs["queryset"] = claims_for_review()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # A verdict that readers saw stays as history; only superusers delete reviews.
        return request.user.is_superuser

    def view_on_site(self, review):
        # Only published verdicts have a public page.
        return review.get_absolute_url() if review.is_public else None

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {field: form.cleaned_data.get(field) for field in EDITABLE_FIELDS}
            created = start_review(form.cleaned_data["claim"], request.user, **fields)
            obj.pk, obj.version = created.pk, created.version
            return
        saved = save_review(obj, request.user, form.cleaned_data.get("expected_version"))
        obj.version = saved.version

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, object_id)
        extra = extra_context or {}
        if review is not None:
            extra["transitions"] = self.available_transitions(request, review)
            extra["can_correct"] = review.state == Review.State.PUBLISHED and can(
                request.user, "correct"
            )
            extra["can_send_back"] = review.state == Review.State.IN_REVIEW and can(
                request.user, "approve"
            )
        try:
            return super().change_view(request, object_id, form_url, extra)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def available_transitions(self, request, review):
        state = review.state
        user = request.user
        buttons = []
        if state == Review.State.DRAFT and can(user, "submit"):
            buttons.append(("submit", _("Submit to an editor")))
        if state == Review.State.IN_REVIEW:
            if not review.is_approved and can(user, "approve"):
                buttons.append(("approve", _("Approve")))
            if can(user, "publish"):
                if review.is_approved:
                    buttons.append(("publish", _("Publish")))
                else:
                    buttons.append(("approve_publish", _("Approve and publish")))
        if state == Review.State.PUBLISHED and can(user, "unpublish"):
            buttons.append(("unpublish", _("Unpublish")))
        return buttons

    @admin.display(description=_("checks before publishing"))
    def checks_before_publishing(self, review):
        if review.state not in (Review.State.DRAFT, Review.State.IN_REVIEW):
            return "—"
        missing = missing_for_publication(review)
        lines = []
        if missing:
            lines.append(_("Needs %(missing)s.") % {"missing": ", ".join(missing)})
        lines += [str(w) for w in publication_warnings(review)]
        return " ".join(str(line) for line in lines) or _("Ready.")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/transition/<slug:action>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{prefix}_transition",
            ),
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name=f"{prefix}_correct",
            ),
            path(
                "<path:object_id>/send-back/",
                self.admin_site.admin_view(self.send_back_view),
                name=f"{prefix}_send_back",
            ),
            *super().get_urls(),
        ]

    def _review_or_404(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            return Review.objects.select_related("claim").get(pk=object_id)
        except (Review.DoesNotExist, ValidationError, ValueError):
            # A made-up id (/review/abc/correct/) is a page that does not exist, not a crash.
            raise Http404 from None

    def _change_url(self, review):
        return reverse("admin:claims_review_change", args=[review.pk])

    def transition_view(self, request, object_id, action):
        if request.method != "POST":
            return redirect(reverse("admin:claims_review_change", args=[object_id]))
        review = self._review_or_404(request, object_id)
        if action not in TRANSITIONS:
            raise PermissionDenied
        service, _role, done = TRANSITIONS[action]
        warnings = publication_warnings(review) if action in ("publish", "approve_publish") else []
        try:
            with transaction.atomic():
                # The editor publishes the text they read: a save made since they opened
                # the page (another tab, a colleague) stops the move until they read it.
                check_transition_version(review, request.POST.get("expected_version"))
                service(review, request.user)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
            for warning in warnings:
                self.message_user(request, warning, messages.WARNING)
        return redirect(self._change_url(review))

    def correct_view(self, request, object_id):
        review = self._review_or_404(request, object_id)
        if not can(request.user, "correct"):
            raise PermissionDenied
        initial = {
            "rating": review.rating_id,
            "language": review.language,
            "conclusion": review.conclusion,
            "explanation": review.explanation,
            "expected_version": review.version,
        }
        form = CorrectionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            changes = {
                field: data[field]
                for field in EDITABLE_FIELDS
                if data[field] != getattr(review, field)
            }
            try:
                correct_review(
                    review,
                    data["note"],
                    request.user,
                    expected_version=data["expected_version"],
                    **changes,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(request, _("Corrected; the note is in the public log."))
                return redirect(self._change_url(review))
        return self._action_page(request, review, form, _("Correct a published verdict"))

    def send_back_view(self, request, object_id):
        review = self._review_or_404(request, object_id)
        if not can(request.user, "approve"):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                return_review(review, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(request, _("Sent back to the author as a draft."))
                return redirect(self._change_url(review))
        return self._action_page(request, review, form, _("Send back to the author"))

    def _action_page(self, request, review, form, title):
        cancel_url = self._change_url(review)
        return action_form_page(self, request, form, title, cancel_url, original=review)

    @admin.display(description=_("claim"), ordering="claim__text")
    def claim_text(self, review):
        return Truncator(review.claim.text).chars(100)


def claims_for_review():
    """The claims a verdict is drafted on: those selected for checking."""
    return Claim.objects.filter(status__in=[Claim.Status.SELECTED, Claim.Status.IN_REVIEW])
