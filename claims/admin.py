"""Fact-checkers' admin: triage claims, attach sources, see their checks, draft verdicts."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .highlighting import highlight_spans
from .models import (
    Article,
    Claim,
    ClaimAppearance,
    Rating,
    RatingScale,
    Review,
    Source,
    SourceCheck,
    Speaker,
)

admin.site.site_header = "factcheck"
admin.site.site_title = "factcheck"
admin.site.index_title = _("Claims, sources and verdicts")


def latest_check_state():
    """Subquery: the state of a source's most recent background check."""
    return Subquery(
        SourceCheck.objects.filter(source=OuterRef("pk"))
        .order_by("-queued_at", "-id")
        .values("state")[:1]
    )


def check_state_display(state):
    return dict(SourceCheck.State.choices).get(state, _("never checked")) if state else "—"


class MostUsedFilter(admin.SimpleListFilter):
    """Offer only the most used values: a filter listing 100,000 speakers helps nobody.

    Any other value still works through the URL (``?speaker=42``), and a value chosen
    that way is listed too.
    """

    limit = 15

    def top_choices(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        choices = [(str(obj.pk), str(obj)) for obj in self.top_choices()[: self.limit]]
        value = self.value()
        if value and value not in {pk for pk, _label in choices} and value.isdigit():
            chosen = self.related_model.objects.filter(pk=value).first()
            if chosen:
                choices.append((value, str(chosen)))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(f"{self.parameter_name} must be an id")
        return self.filter_by(queryset, int(value))


class SpeakerFilter(MostUsedFilter):
    title = _("speaker")
    parameter_name = "speaker"
    related_model = Speaker

    def top_choices(self):
        return Speaker.objects.annotate(n=Count("claims")).filter(n__gt=0).order_by("-n", "name")

    def filter_by(self, queryset, pk):
        return queryset.filter(speaker_id=pk)


class ArticleFilter(MostUsedFilter):
    title = _("article")
    parameter_name = "article"
    related_model = Article

    def top_choices(self):
        return Article.objects.annotate(n=Count("appearances")).order_by("-n", "-id")

    def filter_by(self, queryset, pk):
        return queryset.filter(
            Exists(ClaimAppearance.objects.filter(claim=OuterRef("pk"), article_id=pk))
        )


class ArticleClaimsInline(admin.TabularInline):
    """The claims an article carries, read-only here: claims are edited on their own page."""

    model = ClaimAppearance
    verbose_name = _("claim in this article")
    verbose_name_plural = _("claims in this article")
    fields = ["claim_link", "speaker", "status", "check_worthiness", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False

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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "language", "published_at", "claim_count", "imported_at"]
    list_filter = ["language", "published_at", "imported_at"]
    search_fields = ["title", "url", "outlet", "author"]
    date_hierarchy = "published_at"
    readonly_fields = ["highlighted_body", "body_sha256", "imported_at", "imported_by"]
    inlines = [ArticleClaimsInline]
    list_select_related = ["imported_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("appearances"))

    def get_fields(self, request, obj=None):
        meta = ["title", "url", "outlet", "author", "published_at", "language"]
        if obj is None:
            return [*meta, "body"]
        # Claim offsets point into the body, so it cannot change once imported.
        return [*meta, "highlighted_body", "body_sha256", "imported_at", "imported_by"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.imported_by = request.user
        super().save_model(request, obj, form, change)

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


class AppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    fields = ["article", "start", "end", "span_text"]
    readonly_fields = ["span_text"]
    autocomplete_fields = ["article"]
    extra = 0


class SourceInline(admin.TabularInline):
    model = Source
    fields = ["url", "title", "kind", "note", "last_check"]
    readonly_fields = ["last_check"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_check_state=latest_check_state())

    @admin.display(description=_("last check"))
    def last_check(self, source):
        return check_state_display(getattr(source, "last_check_state", None))


class ReviewInline(admin.StackedInline):
    model = Review
    fields = ["rating", "conclusion", "explanation", "state", "published_at", "author", "editor"]
    autocomplete_fields = ["author", "editor"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rating", "author", "editor")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "short_text",
        "speaker",
        "claim_type",
        "status",
        "rating",
        "language",
        "check_worthiness",
        "updated_at",
    ]
    list_filter = [
        "status",
        ("reviews__rating", admin.RelatedOnlyFieldListFilter),
        SpeakerFilter,
        "language",
        ArticleFilter,
        "claim_type",
    ]
    search_fields = ["text", "quotation", "speaker__name"]
    list_select_related = ["speaker"]
    autocomplete_fields = ["speaker"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "text",
        "quotation",
        "speaker",
        "language",
        "claim_type",
        "check_worthiness",
        "status",
        "created_at",
        "updated_at",
    ]
    inlines = [AppearanceInline, SourceInline, ReviewInline]

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
            if isinstance(instance, Source) and instance.added_by_id is None:
                instance.added_by = request.user
            if isinstance(instance, Review) and instance.author_id is None:
                instance.author = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["name", "normalized_name", "role", "wikidata_id"]
    readonly_fields = ["normalized_name"]


class SourceCheckInline(admin.TabularInline):
    model = SourceCheck
    fields = [
        "state",
        "queued_at",
        "started_at",
        "finished_at",
        "http_status",
        "final_url",
        "content_sha256",
        "error",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "claim", "last_check", "added_by", "added_at"]
    list_filter = ["kind", "added_at"]
    search_fields = ["url", "title", "note", "claim__text"]
    list_select_related = ["claim", "added_by"]
    autocomplete_fields = ["claim"]
    readonly_fields = ["added_by", "added_at"]
    inlines = [SourceCheckInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_check_state=latest_check_state())

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("last check"), ordering="last_check_state")
    def last_check(self, source):
        return check_state_display(source.last_check_state)


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    """Background checks are written by workers; people only read them."""

    list_display = ["source", "state", "http_status", "queued_at", "finished_at"]
    list_filter = ["state", "queued_at"]
    search_fields = ["source__url", "final_url", "error"]
    list_select_related = ["source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RatingInline(admin.TabularInline):
    model = Rating
    fields = [
        "position",
        "slug",
        "label_fr",
        "label_en",
        "value",
        "colour",
        "definition_fr",
        "definition_en",
    ]
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_default", "rating_count"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RatingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rating_total=Count("ratings"))

    @admin.display(description=_("ratings"))
    def rating_count(self, scale):
        return scale.rating_total


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label_fr", "label_en", "value", "colour", "scale", "position"]
    list_filter = ["scale"]
    list_select_related = ["scale"]
    search_fields = ["label_fr", "label_en", "slug"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "rating", "state", "author", "editor", "published_at"]
    list_filter = ["state", "rating", "published_at"]
    search_fields = ["claim__text", "conclusion", "explanation"]
    list_select_related = ["claim", "rating", "author", "editor"]
    autocomplete_fields = ["claim", "author", "editor"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("claim"), ordering="claim__text")
    def claim_text(self, review):
        return Truncator(review.claim.text).chars(100)
