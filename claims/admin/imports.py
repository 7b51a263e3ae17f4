"""Importing an article from the admin: paste text, upload a file or give a URL.

The form checks what it can at once (one input, size, encoding); the slow work — fetching,
extraction — runs on the ``extraction`` queue and the page shows how far it got.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..documents import decode_file
from ..import_jobs import queue_import
from ..importing import ArticleInputError, decode_article_bytes
from ..models import ImportJob


class ImportJobForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("file"), required=False, help_text=_("A UTF-8 text file or an HTML page.")
    )

    class Meta:
        model = ImportJob
        fields = ["raw", "upload", "url", "title", "outlet", "language", "published"]
        labels = {"raw": _("text or HTML")}
        help_texts = {"url": _("The page is fetched by a worker, never from your browser.")}

    def clean(self):
        cleaned = super().clean()
        raw, upload, url = cleaned.get("raw", "").strip(), cleaned.get("upload"), cleaned.get("url")
        given = [name for name, value in (("text", raw), ("file", upload), ("url", url)) if value]
        if len(given) != 1:
            raise ValidationError(_("Give exactly one of: pasted text, a file or a URL."))
        if upload:
            if upload.size > settings.ARTICLE_MAX_BYTES:
                raise ValidationError(
                    _("The file is %(size)s bytes; the limit is %(limit)s.")
                    % {"size": f"{upload.size:,}", "limit": f"{settings.ARTICLE_MAX_BYTES:,}"}
                )
            data = upload.read()
            try:
                raw = decode_file(data, name=upload.name)
            except ArticleInputError as exc:
                raise ValidationError(str(exc)) from None
            cleaned["source"], cleaned["filename"] = ImportJob.Source.FILE, upload.name[:255]
        elif raw:
            encoded = raw.encode("utf-8")
            if len(encoded) > settings.ARTICLE_MAX_BYTES:
                raise ValidationError(
                    _("The text is %(size)s bytes; the limit is %(limit)s.")
                    % {"size": f"{len(encoded):,}", "limit": f"{settings.ARTICLE_MAX_BYTES:,}"}
                )
            try:
                raw = decode_article_bytes(encoded, name=_("the text"))
            except ArticleInputError as exc:
                raise ValidationError(str(exc)) from None
            cleaned["source"] = ImportJob.Source.TEXT
        else:
            cleaned["source"] = ImportJob.Source.URL
        cleaned["raw"] = raw
        return cleaned

    def save(self, commit=True):
        self.instance.source = self.cleaned_data["source"]
        self.instance.filename = self.cleaned_data.get("filename", "")
        self.instance.raw = self.cleaned_data["raw"]
        return super().save(commit)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    form = ImportJobForm
    list_display = [
        "created_at",
        "__str__",
        "state",
        "progress",
        "article_link",
        "claims_created",
        "claims_matched",
        "created_by",
    ]
    list_filter = ["state", "source", "created_at"]
    list_select_related = ["article", "created_by"]
    search_fields = ["url", "title", "filename"]
    change_form_template = "admin/claims/importjob/change_form.html"
    readonly = [
        "source",
        "state",
        "progress",
        "step_shown",
        "error_shown",
        "article_link",
        "claims_created",
        "claims_matched",
        "url",
        "filename",
        "title",
        "outlet",
        "language",
        "published",
        "created_by",
        "created_at",
        "attempts",
        "sent_at",
        "started_at",
        "finished_at",
    ]

    def get_fields(self, request, obj=None):
        return self.readonly if obj else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        queue_import(obj)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("Import queued. This page follows its progress."))
        return HttpResponseRedirect(reverse("admin:claims_importjob_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "refresh": job is not None and not job.finished}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("step"))
    def step_shown(self, job):
        return gettext(job.step) if job.step else ""

    @admin.display(description=_("error"))
    def error_shown(self, job):
        # The worker's own message is translated; an input's error names the input as is.
        return gettext(job.error) if job.error else ""

    @admin.display(description=_("article"))
    def article_link(self, job):
        if not job.article_id:
            return "—"
        url = reverse("admin:claims_article_change", args=[job.article_id])
        return format_html('<a href="{}">{}</a>', url, job.article)
