"""The rating scale: its labels, their definitions and colours, in French and English."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Rating, RatingScale


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
    list_display = ["name", "name_en", "slug", "is_default", "rating_count"]
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
