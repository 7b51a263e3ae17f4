"""Partner API keys: staff create them (the key is shown once) and revoke them."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..api.keys import new_key, revoke_keys
from ..models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "rate_per_minute", "created_at", "last_used_at", "revoked"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name", "rate_per_minute", *(self.readonly_fields if obj else [])]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row keeps who had access, and until when

    @admin.display(description=_("revoked"), boolean=True)
    def revoked(self, api_key):
        return api_key.revoked_at is not None

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key = new_key(obj)
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        # The only time the full key exists outside the partner's hands: only its hash is kept.
        self.message_user(
            request,
            _("Copy this API key now, it will not be shown again: %(key)s") % {"key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = revoke_keys(queryset)
        self.message_user(
            request,
            ngettext("%d key revoked.", "%d keys revoked.", count) % count,
            messages.SUCCESS,
        )
