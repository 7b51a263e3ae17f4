"""What readers sent through the public form, for fact-checkers to triage."""

from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import ReaderSubmission


@admin.register(ReaderSubmission)
class ReaderSubmissionAdmin(admin.ModelAdmin):
    list_display = ["short_text", "kind", "status", "language", "review", "received_at"]
    list_filter = ["status", "kind", "language"]
    list_select_related = ["review__claim", "review__rating"]
    search_fields = ["text", "url", "email"]
    readonly_fields = ["kind", "text", "url", "review", "email", "language", "received_at"]
    fields = [*readonly_fields, "status"]
    date_hierarchy = "received_at"
    actions = ["mark_accepted", "mark_dismissed"]

    def has_add_permission(self, request):
        return False  # only readers write these

    @admin.display(description=_("message"))
    def short_text(self, submission):
        return Truncator(submission.text).chars(100)

    def _set_status(self, request, queryset, status):
        count = queryset.update(status=status)
        self.message_user(
            request,
            ngettext("%d submission updated.", "%d submissions updated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as taken up"), permissions=["change"])
    def mark_accepted(self, request, queryset):
        self._set_status(request, queryset, ReaderSubmission.Status.ACCEPTED)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._set_status(request, queryset, ReaderSubmission.Status.DISMISSED)
