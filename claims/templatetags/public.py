"""Template tags of the public pages."""

from urllib.parse import urlsplit

from django import template
from django.urls import translate_url
from django.utils import timezone

from ..context_processors import LANGUAGES, default_language

register = template.Library()


@register.filter
def machine_time(moment):
    """``moment`` in the site's time zone, to the second: HTML's ``datetime`` attribute allows
    three digits of a second at most, and Django's ``date:"c"`` writes six."""
    if not moment:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.simple_tag
def alternates(canonical_url):
    """``[{"code", "url"}]``: the page at ``canonical_url`` in each language, then
    ``x-default`` (the default language's), with the canonical URL's origin and query."""
    parts = urlsplit(canonical_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    query = f"?{parts.query}" if parts.query else ""
    urls = {code: origin + translate_url(parts.path, code) + query for code, _name in LANGUAGES}
    return [
        *({"code": code, "url": url} for code, url in urls.items()),
        {"code": "x-default", "url": urls[default_language()]},
    ]
