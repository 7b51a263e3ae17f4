"""The rating scale and verdicts."""

from django.contrib import admin
from django.db.models import Count
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import Correction, Rating, RatingScale, Review


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


class CorrectionInline(admin.TabularInline):
    """The public corrections log; notes are written when a published verdict is corrected."""

    model = Correction
    fields = ["created_at", "note", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "rating", "state", "author", "editor", "published_at"]
    list_filter = ["state", "rating", "published_at"]
    search_fields = ["claim__text", "conclusion", "explanation"]
    list_select_related = ["claim", "rating", "author", "editor"]
    autocomplete_fields = ["claim", "author", "editor"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [CorrectionInline]

    def view_on_site(self, review):
        # Only published verdicts have a public page.
        return review.get_absolute_url() if review.is_public else None

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("claim"), ordering="claim__text")
    def claim_text(self, review):
        return Truncator(review.claim.text).chars(100)
