"""The fact-checkers' admin: triage claims, attach sources, see their checks, draft verdicts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401 - registers admins
    apikeys,
    articles,
    imports,
    sources,
    submissions,
    verdicts,
    webhooks,
)

admin.site.site_header = "factcheck"
admin.site.site_title = "factcheck"
admin.site.index_title = _("Claims, sources and verdicts")
