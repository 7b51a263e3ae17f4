"""The rows under a claim on its page: quotations, appearances, sources, verdicts and notes."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import ClaimAppearance, ClaimNote, Review, Source
from .articles import QuotationInline
from .common import RowAutocompleteSelect
from .corrections import LockedOncePublishedInline, SourceFormSet
from .edit_conflicts import EditConflictAdmin, EditConflictRowForm
from .sources import status_badge


class ClaimQuotationInline(QuotationInline):
    fields = ["kind", "text", "speaker", "cue", "article"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "article")


class AppearanceForm(EditConflictRowForm):
    """An appearance row: its article's autocomplete is labelled from the row's article; its
    span text follows its offsets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("article")  # absent when the row is read-only
        if field is not None and ClaimAppearance.article.is_cached(self.instance):
            # Inside the admin's wrapper (the add/change links).
            getattr(field.widget, "widget", field.widget).chosen = self.instance.article

    def clean(self):
        cleaned = super().clean()
        # The text shown is the article's at the offsets: moved, it is read again from the
        # body (the model refused the old one, on a field the form has not: a 500).
        if self.instance.pk and {"article", "start", "end"} & set(self.changed_data):
            self.instance.span_text = ""
        return cleaned


class AppearanceInline(EditConflictAdmin, LockedOncePublishedInline, admin.TabularInline):
    model = ClaimAppearance
    form = AppearanceForm
    fields = ["article", "start", "end", "span_text"]
    readonly_fields = ["span_text"]
    autocomplete_fields = ["article"]
    extra = 0

    def get_queryset(self, request):
        # Each row shows its article (str(appearance), the autocomplete's label).
        return super().get_queryset(request).select_related("article")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["widget"] = RowAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourceInline(EditConflictAdmin, LockedOncePublishedInline, admin.TabularInline):
    model = Source
    form = EditConflictRowForm
    formset = SourceFormSet
    fields = ["url", "title", "kind", "note", "link_status", "last_checked_at"]
    readonly_fields = ["link_status", "last_checked_at"]
    extra = 1

    @admin.display(description=_("link status"))
    def link_status(self, source):
        if not source.pk:
            return "—"
        url = reverse("admin:claims_source_change", args=[source.pk])
        return format_html('<a href="{}">{}</a>', url, status_badge(source))


class ReviewInline(admin.TabularInline):
    """The claim's verdicts, read here and worked on their own page (where the workflow is)."""

    model = Review
    fields = ["review_link", "rating", "state", "author", "editor", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rating", "author", "editor")

    @admin.display(description=_("verdict"))
    def review_link(self, review):
        url = reverse("admin:claims_review_change", args=[review.pk])
        return format_html(
            '<a href="{}">{}</a>', url, Truncator(review.conclusion or f"#{review.pk}").chars(80)
        )


class ClaimNoteInline(admin.StackedInline):
    """Internal notes: written once, kept as they were, never shown to readers."""

    model = ClaimNote
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None):
        return False
