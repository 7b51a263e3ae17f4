"""Render an article body with claim spans highlighted, escaping everything else."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def highlight_spans(body, spans):
    """Return safe HTML of ``body`` with each ``(start, end, title, href)`` span in a <mark>.

    Overlapping spans are clipped to the part not already highlighted, so the text is
    never repeated or reordered.
    """
    parts = []
    cursor = 0
    for start, end, title, href in sorted(spans, key=lambda span: (span[0], span[1])):
        start = max(start, cursor)
        end = min(end, len(body))
        if start >= end:
            continue
        parts.append(escape(body[cursor:start]))
        parts.append(
            format_html(
                '<mark class="claim-span" title="{}"><a href="{}">{}</a></mark>',
                title,
                href,
                body[start:end],
            )
        )
        cursor = end
    parts.append(escape(body[cursor:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
