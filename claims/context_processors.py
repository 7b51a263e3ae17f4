"""Template context shared by the public pages."""

from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject


def public(request):
    def language_links():
        path = request.get_full_path()
        return [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in (("fr", "Français"), ("en", "English"))
        ]

    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "language_links": SimpleLazyObject(language_links),
    }
