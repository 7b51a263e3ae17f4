"""Template tags of the public pages."""

from datetime import datetime
from urllib.parse import urlsplit

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

from ..context_processors import LANGUAGES, default_language, path_in_language

register = template.Library()


@register.filter
def reader_date(value, format_name="DATE_FORMAT"):
    """``value`` as the page's language writes dates (Django's ``DATE_FORMAT``, or the format
    named), datetimes in the site's time zone; French writes the first of a month « 1er »."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    text = formats.date_format(value, format_name)
    if value.day == 1 and text.startswith("1 ") and get_language() == "fr":
        text = "1er " + text[2:]
    return text


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
    urls = {code: origin + path_in_language(parts.path, code) + query for code, _name in LANGUAGES}
    return [
        *({"code": code, "url": url} for code, url in urls.items()),
        {"code": "x-default", "url": urls[default_language()]},
    ]
