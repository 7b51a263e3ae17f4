"""Partner webhooks: staff register endpoints (the signing secret is shown on the endpoint's
page for the partner to copy, and can be rotated) and read the delivery log."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import new_webhook_secret
from ..publishing.webhooks import send_again

SUBSCRIPTIONS = ["on_publish", "on_correct", "on_unpublish", "on_deletion"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", *SUBSCRIPTIONS, "active"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_by", "created_at"]
    actions = ["rotate_secret"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", *SUBSCRIPTIONS, "active"]
        return [*fields, *(self.readonly_fields if obj else [])]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            # Not the secret itself: messages may travel in a cookie, which is signed, not
            # encrypted.
            self.message_user(
                request,
                _("Give the partner the signing secret shown on the endpoint's page."),
                messages.WARNING,
            )

    def response_post_save_add(self, request, obj):
        """To the new endpoint's page, where its secret is, rather than to the list."""
        return HttpResponseRedirect(reverse("admin:claims_webhookendpoint_change", args=[obj.pk]))

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        count = 0
        for endpoint in queryset:
            endpoint.secret = new_webhook_secret()
            endpoint.save(update_fields=["secret"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%d secret rotated: give the new one to the partner.",
                "%d secrets rotated: give the new ones to the partners.",
                count,
            )
            % count,
            messages.WARNING,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "endpoint",
        "event",
        "verdict",
        "state",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "event", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["endpoint__name", "=review__id"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = readonly_fields = [
        "endpoint",
        "event",
        "review",
        "payload",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "created_at",
        "delivered_at",
    ]

    @admin.display(description=_("verdict"), ordering="review_id")
    def verdict(self, delivery):
        # The payload's id: no query per row, and still there once the verdict is deleted.
        return delivery.payload.get("review", {}).get("id", delivery.review_id)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the log is the record of what partners were told

    # Sending again tells partners something: reading the log is not enough for that.
    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request, queryset):
        with transaction.atomic():
            count = send_again(queryset)
        self.message_user(
            request,
            ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count,
            messages.SUCCESS,
        )
