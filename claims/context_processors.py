"""Template context shared by the public pages."""

from django.conf import settings
from django.urls import get_script_prefix, reverse, translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject

# The public pages' languages, each named in itself (the switcher, hreflang, the sitemap).
LANGUAGES = (("fr", "Français"), ("en", "English"))


def default_language():
    """The code of the site's default language ("fr"; settings allow only fr or en)."""
    return settings.LANGUAGE_CODE


def path_in_language(path, code):
    """``path`` (this site's, script prefix and query included) in language ``code``; as given
    where it names no page."""
    prefix = get_script_prefix()
    if prefix == "/" or not path.startswith(prefix):
        return translate_url(path, code)
    # translate_url resolves the path as given, and URL patterns know no script prefix: under
    # one (FORCE_SCRIPT_NAME, a proxy's SCRIPT_NAME) every page looked like a 404.
    inner = "/" + path[len(prefix) :]
    translated = translate_url(inner, code)
    return path if translated == inner else translated


def public(request):
    def language_links():
        """The language switcher: this page, search and filters included, in each language;
        the other language's home page where this URL means nothing (a 404)."""
        # "//host/fr/" is a path too, which translate_url would turn into a link to that host.
        path = "/" + request.get_full_path().lstrip("/")
        links = []
        for code, name in LANGUAGES:
            url = path_in_language(path, code)
            if url == path and code != translation.get_language():
                with translation.override(code):
                    url = reverse("public:verdict-list")
            links.append({"code": code, "name": name, "url": url})
        return links

    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "language_links": SimpleLazyObject(language_links),
    }
