"""Sources and their background checks: link status, evidence, quote verdicts, rechecks."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..checking.checks import request_check
from ..models import FAILING_STATUSES, Claim, FailingSource, Source, SourceCheck
from ..workflow.reviews import claim_edited, lock_for_edit
from ..workflow.roles import can
from .common import HistoryAdmin
from .corrections import (
    NOTE_FIELD,
    CorrectionNoteForm,
    is_published,
    log_correction,
    published_and_locked,
)
from .edit_conflicts import EditConflictAdmin

BADGE_COLOURS = {
    "unchecked": "#6e7781",
    "ok": "#1a7f37",
    "changed": "#9a6700",
    "dead": "#cf222e",
    "blocked": "#8250df",
    "error": "#bc4c00",
}
VERDICT_COLOURS = {
    "exact": "#1a7f37",
    "approximate": "#9a6700",
    "altered": "#cf222e",
    "absent": "#6e7781",
}


def status_badge(source):
    colour = BADGE_COLOURS.get(source.status, "#6e7781")
    return format_html(
        '<span class="link-status" style="color:#fff;background:{};padding:1px 6px;'
        'border-radius:8px">{}</span>',
        colour,
        source.get_status_display(),
    )


class SourceCheckInline(admin.TabularInline):
    model = SourceCheck
    fields = [
        "check_link",
        "state",
        "reason",
        "http_status",
        "error_class",
        "changed",
        "finished_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-queued_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("check"))
    def check_link(self, check):
        url = reverse("admin:claims_sourcecheck_change", args=[check.pk])
        return format_html('<a href="{}">#{}</a>', url, check.pk)


@admin.action(description=_("Check again now"), permissions=["change"])
def recheck(modeladmin, request, queryset):
    with transaction.atomic():
        for source in queryset:
            request_check(source=source, reason="recheck")
    count = queryset.count()
    modeladmin.message_user(
        request,
        ngettext("%(n)d check queued.", "%(n)d checks queued.", count) % {"n": count},
        messages.SUCCESS,
    )


class SourceForm(CorrectionNoteForm):
    """A source; readers see its link, title, kind, note and archived copy under the verdict."""

    PUBLIC_FIELDS = ("url", "title", "kind", "note", "archive_url")

    class Meta:
        model = Source
        fields = ["claim", "url", "title", "kind", "note", "archive_url"]

    def claim_of(self, cleaned):
        return self.instance.claim if self.instance.pk else cleaned.get("claim")

    def lock_first(self):
        # The claim's page locks its verdict, the claim, then its sources: the same order here.
        lock_for_edit(self.instance.claim_id)


@admin.register(Source)
class SourceAdmin(EditConflictAdmin, HistoryAdmin):
    form = SourceForm
    list_display = ["__str__", "badge", "kind", "claim", "last_checked_at", "added_by", "added_at"]
    list_filter = ["status", "kind", "added_at"]
    search_fields = ["url", "title", "note", "claim__text"]
    list_select_related = ["claim", "added_by"]
    autocomplete_fields = ["claim"]
    readonly_fields = [
        "badge",
        "last_checked_at",
        "next_check_at",
        "failure_count",
        "added_by",
        "added_at",
    ]
    inlines = [SourceCheckInline]
    actions = [recheck]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_fields(self, request, obj=None):
        fields = [*SourceForm.Meta.fields, *self.readonly_fields]
        # A new source may go under a published verdict (for a role that may correct).
        if obj is None or is_published(obj.claim):
            fields.append(NOTE_FIELD)
        return fields

    def get_readonly_fields(self, request, obj=None):
        # A source belongs to its claim: moving it would change two verdicts at once.
        return [*self.readonly_fields, "claim"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and published_and_locked(request, obj.claim):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Under a published verdict, a source is removed from the claim's page, with a note.
        if obj is not None and is_published(obj.claim):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claim":
            kwargs["queryset"] = claims_for_sources(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        log_correction(obj.claim, form, request.user, form.changes_what_readers_see)

    # A source taken off a claim whose verdict is in progress: the approval no longer holds.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        if not is_published(obj.claim):
            claim_edited(obj.claim, request.user)

    def delete_queryset(self, request, queryset):
        claims = {source.claim_id: source.claim for source in queryset.select_related("claim")}
        super().delete_queryset(request, queryset)
        for claim in claims.values():
            if not is_published(claim):
                claim_edited(claim, request.user)

    @admin.display(description=_("link status"), ordering="status")
    def badge(self, source):
        return status_badge(source)


def claims_for_sources(user):
    """The claims ``user`` may add a source to: a published one only for a role that corrects."""
    if can(user, "correct"):
        return Claim.objects.all()
    return Claim.objects.exclude(status=Claim.Status.PUBLISHED)


@admin.register(FailingSource)
class FailingSourceAdmin(SourceAdmin):
    """Dead, blocked and erroring links across every claim, the oldest failure first."""

    list_display = ["__str__", "badge", "claim", "failure_count", "last_checked_at", "last_error"]
    list_filter = ["status", "kind"]

    def get_queryset(self, request):
        # The last failure, not the last check: a recheck waiting in the queue has no error.
        last_error = SourceCheck.objects.filter(
            source=OuterRef("pk"), state=SourceCheck.State.FAILED
        ).order_by("-queued_at", "-id")
        return (
            super()
            .get_queryset(request)
            .filter(status__in=FAILING_STATUSES)
            .annotate(last_error_text=Subquery(last_error.values("error")[:1]))
            .order_by("last_failure_at", "id")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A failing source is a source: whoever may change sources rechecks or mends it here
        # too. The roles grant nothing on the proxy itself, which left this list without its
        # "Check again now" action.
        if obj is not None and published_and_locked(request, obj.claim):
            return False
        return request.user.has_perm("claims.change_source")

    # A source is changed on its own page: saved as this proxy, it sent none of the source's
    # signals (no history, no check of a new address, public pages not refreshed).
    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:claims_source_change", object_id)

    # simple_history records sources, not this proxy (its options have no history manager,
    # so its own history pages crashed): old links to its history lead to the source's.
    def history_view(self, request, object_id, extra_context=None):
        return redirect("admin:claims_source_history", object_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return redirect("admin:claims_source_simple_history", object_id, version_id)

    @admin.display(description=_("last error"))
    def last_error(self, source):
        return source.last_error_text or "—"


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    """Background checks are written by workers; people read them and the evidence."""

    list_display = ["__str__", "state", "error_class", "http_status", "changed", "queued_at"]
    list_filter = ["state", "error_class", "changed", "queued_at"]
    search_fields = ["url", "source__url", "final_url", "error"]
    list_select_related = ["source", "article"]
    fields = [
        "source",
        "article",
        "url",
        "state",
        "reason",
        "deliveries",
        "queued_at",
        "sent_at",
        "started_at",
        "finished_at",
        "duration",
        "http_status",
        "final_url",
        "redirect_chain",
        "content_type",
        "bytes_read",
        "content_sha256",
        "changed",
        "title",
        "author",
        "published",
        "site_name",
        "evidence",
        "quote_verdicts",
        "error_class",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("archived copy"))
    def evidence(self, check):
        links = [
            (reverse("evidence-snapshot", args=[check.pk, kind]), label)
            for kind, label, present in [
                ("text", _("main text"), bool(check.snapshot_text)),
                ("raw", _("page as fetched (download)"), bool(check.snapshot_raw)),
            ]
            if present
        ]
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.display(description=_("quote verification"))
    def quote_verdicts(self, check):
        if not check.quote_results:
            return "—"
        return format_html_join(
            "",
            '<div class="quote-verdict"><strong style="color:{}">{}</strong> ({}) « {} »'
            "<br><mark>{}</mark></div>",
            (
                (
                    VERDICT_COLOURS.get(r.get("verdict"), "#6e7781"),
                    r.get("verdict"),
                    f"{r.get('score', 0):.0f}",
                    r.get("quote", ""),
                    r.get("matched_text") or "—",
                )
                for r in check.quote_results
            ),
        )
