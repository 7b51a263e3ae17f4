"""The admin site: Django's, with the newsroom's work queues on the index and their own page.

It lives outside ``claims.admin`` because importing that package registers the models on
the default site, which is this class: defining it there would build the site twice.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _


class NewsroomAdminSite(admin.AdminSite):
    site_header = "factcheck"
    site_title = "factcheck"
    index_title = _("Claims, sources and verdicts")

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
