"""Articles and speakers: what claims are found in, and who made them."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..highlighting import highlight_spans
from ..models import (
    Article,
    ClaimAppearance,
    Quotation,
    Speaker,
)
from ..workflow.reviews import claim_edited
from ..workflow.roles import can
from .corrections import (
    NOTE_FIELD,
    NOTE_NEEDED,
    SharedRecordForm,
    claims_in_review,
    is_published,
    log_shared_correction,
    posted_note,
    published_claims,
    shared_and_locked,
)
from .edit_conflicts import EditConflictAdmin
from .sources import SourceCheckInline


class AppearanceRemovalFormSet(BaseInlineFormSet):
    """Taking a published claim out of the article changes its verdict's page: only a role
    that may correct does it, with the correction note posted with the article's form."""

    may_correct = False

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Every row is in this article (str(appearance) shows it): the one in hand, not a
        # query per row.
        form.instance.article = self.instance
        return form

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if not is_published(form.instance.claim):
                continue
            if not self.may_correct:
                raise ValidationError(
                    _("“%(claim)s”: its verdict is published; only an editor may remove it.")
                    % {"claim": Truncator(form.instance.claim.text).chars(80)}
                )
            if not posted_note(self.data):
                raise ValidationError(NOTE_NEEDED)


class ArticleClaimsInline(admin.TabularInline):
    """The claims an article carries, read-only here: claims are edited on their own page."""

    model = ClaimAppearance
    verbose_name = _("claim in this article")
    verbose_name_plural = _("claims in this article")
    fields = ["claim_link", "speaker", "status", "check_worthiness", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = True
    formset = AppearanceRemovalFormSet

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.may_correct = can(request.user, "correct")
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim__speaker")

    @admin.display(description=_("claim"))
    def claim_link(self, appearance):
        url = reverse("admin:claims_claim_change", args=[appearance.claim_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(appearance.claim.text).chars(120))

    @admin.display(description=_("speaker"))
    def speaker(self, appearance):
        return appearance.claim.speaker or "—"

    @admin.display(description=_("status"))
    def status(self, appearance):
        return appearance.claim.get_status_display()

    @admin.display(description=_("check-worthiness"))
    def check_worthiness(self, appearance):
        return appearance.claim.check_worthiness


class ArticleCheckInline(SourceCheckInline):
    """Checks of the article's own URL, newest first."""

    fk_name = "article"
    verbose_name_plural = _("checks of the article's URL")


class QuotationInline(admin.TabularInline):
    model = Quotation
    fields = ["kind", "text", "speaker", "cue", "claim"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "claim")


# What readers and partners see of an article under a verdict (its link, title, outlet and
# date), and of a speaker (name, kind, role: JSON-LD's author and jobTitle; the API's
# Wikidata id).
ARTICLE_PUBLIC_FIELDS = ("title", "url", "outlet", "author", "published_at", "language")
SPEAKER_PUBLIC_FIELDS = ("name", "kind", "role", "wikidata_id")


class ArticleForm(SharedRecordForm):
    PUBLIC_FIELDS = ARTICLE_PUBLIC_FIELDS

    class Meta:
        model = Article
        fields = ARTICLE_PUBLIC_FIELDS


class SharedRecordAdmin(EditConflictAdmin, admin.ModelAdmin):
    """A record shown under published verdicts: read-only for roles that may not correct; the
    others change what readers see with a correction note, logged on each verdict."""

    def get_fields(self, request, obj=None):
        if obj is not None and not shared_and_locked(request, obj) and published_claims(obj):
            return [*self.fields, NOTE_FIELD]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if shared_and_locked(request, obj):
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Deleting it would take "said by" or "where it appeared" off published verdicts with
        # no dated note, whoever deletes; unpublish or correct those verdicts first.
        if obj is not None and obj.published_claims().exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        removed = [
            f.instance.claim
            for formset in formsets
            for f in getattr(formset, "deleted_forms", [])
            if isinstance(f.instance, ClaimAppearance) and is_published(f.instance.claim)
        ]
        shown = published_claims(form.instance) if form.changes_what_readers_see else []
        # Verdicts in progress that show the record: their approval no longer holds.
        touched = change and set(form.changed_data) & set(form.PUBLIC_FIELDS)
        in_review = claims_in_review(form.instance) if touched else []
        in_review += [
            f.instance.claim
            for formset in formsets
            for f in getattr(formset, "deleted_forms", [])
            if isinstance(f.instance, ClaimAppearance) and not is_published(f.instance.claim)
        ]
        super().save_related(request, form, formsets, change)
        corrected = {claim.pk: claim for claim in [*shown, *removed]}
        if corrected:
            note = form.cleaned_data.get(NOTE_FIELD, "").strip()
            log_shared_correction(corrected.values(), note, request.user)
        for claim in {claim.pk: claim for claim in in_review}.values():
            claim_edited(claim, request.user)


@admin.register(Article)
class ArticleAdmin(SharedRecordAdmin):
    form = ArticleForm
    change_list_template = "admin/claims/article/change_list.html"
    list_display = ["title", "outlet", "language", "published_at", "claim_count", "imported_at"]
    list_filter = ["language", "published_at", "imported_at"]
    search_fields = ["title", "url", "outlet", "author"]
    date_hierarchy = "published_at"
    readonly_fields = ["highlighted_body", "body_sha256", "imported_at", "imported_by"]
    inlines = [ArticleClaimsInline, QuotationInline, ArticleCheckInline]
    list_select_related = ["imported_by"]

    fields = [
        "title",
        "url",
        "outlet",
        "author",
        "published_at",
        "language",
        # Claim offsets point into the body, so it cannot change once imported.
        "highlighted_body",
        "body_sha256",
        "imported_at",
        "imported_by",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("appearances"))

    def has_add_permission(self, request):
        # Articles come in through Imports, which normalises the body, refuses a duplicate
        # with a message and extracts the claims; a bare form here did none of that.
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {"import_url": reverse("admin:claims_importjob_add"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    @admin.display(description=_("claims"), ordering="claim_total")
    def claim_count(self, article):
        return article.claim_total

    @admin.display(description=_("body"))
    def highlighted_body(self, article):
        spans = [
            (
                appearance.start,
                appearance.end,
                Truncator(appearance.claim.text).chars(200),
                reverse("admin:claims_claim_change", args=[appearance.claim_id]),
            )
            for appearance in article.appearances.select_related("claim")
        ]
        return format_html(
            '<div class="article-body">{}</div>', highlight_spans(article.body, spans)
        )

    class Media:
        css = {"all": ["claims/admin.css"]}


class SpeakerForm(SharedRecordForm):
    PUBLIC_FIELDS = SPEAKER_PUBLIC_FIELDS

    class Meta:
        model = Speaker
        fields = SPEAKER_PUBLIC_FIELDS


@admin.register(Speaker)
class SpeakerAdmin(SharedRecordAdmin):
    form = SpeakerForm
    fields = ["name", "kind", "role", "wikidata_id", "normalized_name"]
    list_display = ["name", "kind", "role", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["name", "normalized_name", "role", "wikidata_id"]
    readonly_fields = ["normalized_name"]
