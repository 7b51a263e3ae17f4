"""Claims: where fact-checkers triage, assign, gather evidence and reach the verdict."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ..models import Claim, ClaimNote, Review, Source
from ..workflow.claims import add_note, assign_claim, assignable_users, triage_claims
from ..workflow.reviews import lock_for_edit
from .claim_evidence import (
    AppearanceInline,
    ClaimNoteInline,
    ClaimQuotationInline,
    ReviewInline,
    SourceInline,
)
from .common import (
    ArticleFilter,
    HistoryAdmin,
    SpeakerFilter,
    action_form_page,
)
from .corrections import (
    NOTE_FIELD,
    CorrectionNoteForm,
    evidence_changed,
    is_published,
    log_correction,
    published_and_locked,
)
from .edit_conflicts import EditConflictAdmin
from .sources import claims_for_sources
from .verdicts import claims_for_review

# The claims each form's claim field accepts (by its autocomplete's app_label, model_name).
CLAIM_CHOICES = {
    ("claims", "review"): lambda user: claims_for_review(),
    ("claims", "source"): claims_for_sources,
}

# What readers see of the claim itself on its verdict page.
PUBLIC_FIELDS = ("text", "quotation", "speaker", "language")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it dismissed?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AssigneeForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("No one")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("To me")), ("nobody", _("To no one"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class ClaimForm(CorrectionNoteForm):
    """The claim's fields; under a published verdict, a change readers see needs a note."""

    PUBLIC_FIELDS = PUBLIC_FIELDS

    class Meta:
        model = Claim
        fields = [*PUBLIC_FIELDS, "claim_type", "check_worthiness"]

    def claim_of(self, cleaned):
        return self.instance

    def lock_first(self):
        # Its verdict before the claim, as the workflow locks them.
        lock_for_edit(self.instance.pk)


# The extraction's reasons (stored in English with the claim), in the reader's language.
REASON_LABELS = {
    "number": _("contains a figure"),
    "date": _("refers to a date"),
    "attributed": _("attributed to a speaker"),
    "named_entity": _("names a person, organisation or place"),
    "comparison": _("compares, ranks or describes a change"),
    "causal": _("states a cause or consequence"),
    "prediction": _("states a plan or prediction"),
    "law": _("refers to a law, rule or court decision"),
    "factual_verb": _("reports a completed event"),
    "question": _("is a question"),
    "exclamation": _("is an exclamation"),
    "opinion": _("expresses an opinion"),
    "first_person_opinion": _("speaks in the first person"),
    "short": _("is too short to check"),
    "vague": _("is vague"),
}


@admin.register(Claim)
class ClaimAdmin(EditConflictAdmin, HistoryAdmin):
    form = ClaimForm
    list_display = [
        "short_text",
        "speaker",
        "claim_type",
        "status",
        "rating",
        "language",
        "check_worthiness",
        "assigned_to",
        "updated_at",
    ]
    list_filter = [
        "status",
        AssignedFilter,
        ("reviews__rating", admin.RelatedOnlyFieldListFilter),
        SpeakerFilter,
        "language",
        ArticleFilter,
        "claim_type",
    ]
    search_fields = ["text", "quotation", "speaker__name"]
    list_select_related = ["speaker", "assigned_to"]
    autocomplete_fields = ["speaker"]
    readonly_fields = [
        "why",
        "status",
        "dismissal_reason",
        "assigned_to",
        "assigned_at",
        "created_at",
        "updated_at",
    ]
    change_form_template = "admin/claims/claim/change_form.html"
    fields = [
        "text",
        "quotation",
        "speaker",
        "language",
        "claim_type",
        "check_worthiness",
        "why",
        "status",
        "dismissal_reason",
        "assigned_to",
        "assigned_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AppearanceInline, SourceInline, ReviewInline, ClaimNoteInline, ClaimQuotationInline]
    actions = ["select_for_checking", "dismiss", "back_to_candidates", "take", "assign"]

    def get_fields(self, request, obj=None):
        if is_published(obj) and not published_and_locked(request, obj):
            return [*self.fields, NOTE_FIELD]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if published_and_locked(request, obj):
            return self.fields
        return self.readonly_fields

    def has_triage_permission(self, request):
        return request.user.has_perm("claims.triage_claim")

    def has_assign_permission(self, request):
        return request.user.has_perm("claims.assign_claim")

    def _report(self, request, moved, refused, done):
        self.message_user(request, done % {"n": moved}, messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.WARNING)

    def _action_page(self, request, queryset, form, title, action_name):
        cancel_url = reverse("admin:claims_claim_changelist")
        return action_form_page(
            self, request, form, title, cancel_url, objects=queryset, action_name=action_name
        )

    @admin.action(description=_("Select for checking"), permissions=["triage"])
    def select_for_checking(self, request, queryset):
        moved, refused = triage_claims(queryset, Claim.Status.SELECTED, request.user)
        self._report(
            request,
            moved,
            refused,
            ngettext_lazy(
                "%(n)d claim selected for checking.", "%(n)d claims selected for checking.", "n"
            ),
        )

    @admin.action(description=_("Dismiss…"), permissions=["triage"])
    def dismiss(self, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            moved, refused = triage_claims(
                queryset, Claim.Status.DISMISSED, request.user, form.cleaned_data["reason"]
            )
            return self._report(
                request,
                moved,
                refused,
                ngettext_lazy("%(n)d claim dismissed.", "%(n)d claims dismissed.", "n"),
            )
        return self._action_page(request, queryset, form, _("Dismiss claims"), "dismiss")

    @admin.action(description=_("Back to candidates"), permissions=["triage"])
    def back_to_candidates(self, request, queryset):
        moved, refused = triage_claims(queryset, Claim.Status.CANDIDATE, request.user)
        self._report(
            request,
            moved,
            refused,
            ngettext_lazy(
                "%(n)d claim back among the candidates.",
                "%(n)d claims back among the candidates.",
                "n",
            ),
        )

    @admin.action(description=_("Assign to me"), permissions=["triage"])
    def take(self, request, queryset):
        self._assign(request, queryset, request.user)

    @admin.action(description=_("Assign to…"), permissions=["assign"])
    def assign(self, request, queryset):
        form = AssigneeForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            return self._assign(request, queryset, form.cleaned_data["assignee"])
        return self._action_page(request, queryset, form, _("Assign claims"), "assign")

    def _assign(self, request, queryset, assignee):
        moved, refused = 0, []
        for claim in queryset:
            try:
                assign_claim(claim, assignee, request.user)
            except (PermissionDenied, ValidationError) as error:
                text = (
                    " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                refused.append(f"{claim}: {text}")
            else:
                moved += 1
        self._report(
            request,
            moved,
            refused,
            ngettext_lazy("%(n)d claim assigned.", "%(n)d claims assigned.", "n"),
        )

    @admin.display(description=_("why it ranks so"))
    def why(self, claim):
        reasons = claim.checkworthiness_reasons or []
        if not reasons:
            return "—"
        return format_html_join(
            "",
            "<div>{} {}</div>",
            (
                (f"{r['weight']:+.1f}", REASON_LABELS.get(r.get("feature"), r["reason"]))
                for r in reasons
            ),
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The autocomplete asks this admin, not the form's, which claims to offer: without
        # the form's restriction it offered claims that the form then refused.
        match = request.resolver_match
        if match and match.url_name == "autocomplete" and request.GET.get("field_name") == "claim":
            form = (request.GET.get("app_label"), request.GET.get("model_name"))
            if form in CLAIM_CHOICES:
                queryset = queryset.filter(pk__in=CLAIM_CHOICES[form](request.user).values("pk"))
        return queryset, may_have_duplicates

    def get_queryset(self, request):
        live_rating = Subquery(
            Review.objects.filter(claim=OuterRef("pk"), state__in=Review.LIVE_STATES).values(
                "rating__label_fr"
            )[:1]
        )
        return super().get_queryset(request).annotate(rating_label=live_rating)

    @admin.display(description=_("claim"), ordering="text")
    def short_text(self, claim):
        return Truncator(claim.text).chars(100)

    @admin.display(description=_("rating"), ordering="rating_label")
    def rating(self, claim):
        return claim.rating_label or "—"

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, ClaimNote):
                add_note(form.instance, request.user, instance.text)
                continue
            if isinstance(instance, Source) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            changed = form.changes_what_readers_see or evidence_changed(formsets)
            log_correction(form.instance, form, request.user, changed)
