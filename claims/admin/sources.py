"""Sources and their background checks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Source, SourceCheck
from .common import check_state_display, latest_check_state


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
