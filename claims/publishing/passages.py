"""The passage of an article around a claim, with the claim marked."""

from django.utils.html import format_html
from django.utils.translation import get_language, pgettext

CONTEXT_CHARS = 280


def passage(body, start, end, context=CONTEXT_CHARS):
    """Safe HTML of the text around ``body[start:end]``, cut at word boundaries, the span in
    a <mark>; None when the offsets do not fit the body."""
    if not (0 <= start < end <= len(body)):
        return None
    before_start = max(0, start - context)
    if before_start > 0:
        space = body.find(" ", before_start, start)
        before_start = space + 1 if space != -1 else before_start
    after_end = min(len(body), end + context)
    if after_end < len(body):
        space = body.rfind(" ", end, after_end)
        after_end = space if space != -1 else after_end
    # Screen readers seldom announce <mark>, and its colour must not be the only signal.
    language = get_language()
    return format_html(
        '{}{}<mark><span class="visually-hidden" lang="{}">{} </span>{}'
        '<span class="visually-hidden" lang="{}"> {}</span></mark>{}{}',
        "… " if before_start > 0 else "",
        body[before_start:start],
        language,
        pgettext("in a passage read aloud", "[claim starts]"),
        body[start:end],
        language,
        pgettext("in a passage read aloud", "[claim ends]"),
        body[end:after_end],
        " …" if after_end < len(body) else "",
    )
