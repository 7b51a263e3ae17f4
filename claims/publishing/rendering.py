"""Markdown written by fact-checkers, rendered for readers with nothing executable left."""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Raw HTML is off at the parser, and the sanitizer removes anything that slipped through.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_ALIGNMENTS = {"left", "center", "right"}
ALLOWED_CLASSES = {cell: {f"align-{side}" for side in _ALIGNMENTS} for cell in ("th", "td")}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Return sanitized HTML for ``text``, safe to insert into a page."""
    tokens = _markdown.parse(text or "")
    for token in tokens:
        _fit_to_page(token)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above


def _fit_to_page(token):
    if token.type in ("heading_open", "heading_close"):
        # The page has its h1 and h2: every level moves down two, keeping the outline's order
        # (h5 and h6 share the last level HTML has).
        token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    elif token.type in ("th_open", "td_open"):
        # A column's alignment as a class: the CSP allows no inline style.
        side = token.attrs.pop("style", "").removeprefix("text-align:")
        if side in _ALIGNMENTS:
            token.attrs["class"] = f"align-{side}"
    elif token.children:
        token.children = [part for child in token.children for part in _image_as_link(child)]
        for child in token.children:
            _fit_to_page(child)


def _image_as_link(token):
    """An image becomes a link to it, its description the link's text: pages load no
    third-party images (privacy, and the CSP's img-src), and the evidence stays one click away."""
    if token.type != "image":
        return [token]
    link = Token("link_open", "a", 1, attrs={"href": token.attrs["src"]})
    if token.attrs.get("title"):
        link.attrs["title"] = token.attrs["title"]
    text = token.children or [Token("text", "", 0, content=token.attrs["src"])]
    return [link, *text, Token("link_close", "a", -1)]
