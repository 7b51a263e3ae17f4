"""The rating scale and methodology page, and robots.txt."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
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
            "canonical_url": absolute_url(request, request.path),
        },
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /evidence/",
        "Disallow: /fr/submit/",
        "Disallow: /en/submit/",
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
