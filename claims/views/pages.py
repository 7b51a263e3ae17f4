"""The rating scale and methodology page, and robots.txt."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from ..publishing.ratings import public_scales
from .common import absolute_url, public_page


@require_safe
@public_page
def methodology(request):
    return render(
        request,
        "public/methodology.html",
        {
            "scales": public_scales(),
            "policy_template": f"public/methodology/{get_language()}.html",
            "ORGANISATION_URL": settings.ORGANISATION_URL,
            "ORGANISATION_TRANSPARENCY_URL": settings.ORGANISATION_TRANSPARENCY_URL,
            "ORGANISATION_CONTACT_EMAIL": settings.ORGANISATION_CONTACT_EMAIL,
            "canonical_url": absolute_url(request, request.path),
        },
    )


@require_safe
def robots_txt(request):
    # Paths as reverse() gives them, so a site served under a prefix (FORCE_SCRIPT_NAME)
    # names its own.
    private = [reverse("admin:index"), get_script_prefix() + "evidence/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            private.append(reverse("public:submit"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in private),
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
