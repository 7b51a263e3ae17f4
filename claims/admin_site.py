"""The admin site: Django's, with the newsroom's work queues on the index and their own page.

It lives outside ``claims.admin`` because importing that package registers the models on
the default site, which is this class: defining it there would build the site twice.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}


def malformed_input(request):
    """Why the admin cannot take this request's parameters, or None. Django's list views let
    a NUL in a search reach PostgreSQL, and a selection of rows that are not ids reach int():
    each was a 500. (Forms refuse a NUL themselves, with a message on the field.)"""
    if any("\x00" in value for key in request.GET for value in request.GET.getlist(key)):
        return gettext("The request contains a null character.")
    for key, value in request.GET.items():
        # The date hierarchy's links; past the calendar (year 9999 and the next one), a 500.
        part = key.rpartition("__")[2]
        if part in DATE_PARTS and not (
            value.isascii()
            and value.isdigit()
            and len(value) <= 4
            and DATE_PARTS[part][0] <= int(value) <= DATE_PARTS[part][1]
        ):
            return gettext("Not a date the calendar has: %(key)s=%(value)s.") % {
                "key": key,
                "value": value,
            }
    if request.method == "POST":
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(value.isascii() and value.isdigit() for value in selected):
            return gettext("The selected rows are not row ids.")
    return None


class NewsroomAdminSite(admin.AdminSite):
    site_header = "factcheck"
    site_title = "factcheck"
    index_title = _("Claims, sources and verdicts")

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            refusal = malformed_input(request)
            if refusal:
                return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
            return checked(request, *args, **kwargs)

        return guarded

    def get_urls(self):
        return [
            path("queues/", self.admin_view(self.work_queues_view), name="work_queues"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from .workflow.queues import queue_counts

        extra_context = {**(extra_context or {}), "work_queues": queue_counts(request.user)}
        return super().index(request, extra_context)

    def work_queues_view(self, request):
        from .workflow.queues import work_queues

        context = {
            **self.each_context(request),
            "title": _("Work queues"),
            "queues": work_queues(request.user),
        }
        return TemplateResponse(request, "admin/work_queues.html", context)
