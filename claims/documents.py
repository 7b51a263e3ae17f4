"""Turn what a newsroom gives us — a text file, an HTML page, a URL — into article text and
metadata. HTML goes through trafilatura; URLs only through the safe fetcher."""

import re
from dataclasses import dataclass
from datetime import date

import trafilatura
from django.conf import settings
from trafilatura.settings import set_date_params

from .checking.decoding import decode_page
from .checking.fetching import FetchError, fetch
from .importing import (
    ArticleInputError,
    decode_article_bytes,
    normalize_body,
    read_limited_bytes,
)

MIN_ARTICLE_WORDS = 15
# Pasted or uploaded HTML starts with an element, maybe after a byte-order mark, an XML
# declaration (XHTML) or comments; a fragment copied out of a page may start anywhere, but its
# paragraphs close.
_ELEMENTS = (
    rb"html|head|body|meta|title|link|style|script|article|section|main|header|footer|nav|aside"
    rb"|div|p|h[1-6]|span|figure|table|ul|ol|li|blockquote|a|b|i|em|strong|br|img|font|center"
    rb"|template|svg|noscript|form|picture|dl|hr|time|small|u|s|q|cite|pre|code|iframe|video"
)
# Each comment matches one way only, and possessively: « .*? » could run past a « --> » into
# the next comment, and a run of comments before no element took exponential time.
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*+-->\s*)*+"
    rb"(?:<!doctype\s+html|<(?:" + _ELEMENTS + rb")(?=[\s/>]))",
    re.I | re.S,
)
# A page, even one that leaves out <html> and <body>, has its metadata in these.
_DOCUMENT_TAG = re.compile(r"<(?:html|head|body|title|meta)[\s>/]", re.IGNORECASE)
_CLOSING_BLOCK = re.compile(rb"</(?:p|div|h[1-6]|li|article|section|blockquote|td|tr)\s*>", re.I)


@dataclass
class Document:
    text: str
    title: str = ""
    author: str = ""
    published: date | None = None
    site_name: str = ""
    url: str = ""


def is_url(value):
    return value.lower().startswith(("http://", "https://"))


def looks_like_html(data, name=""):
    """Whether ``data`` (bytes) is HTML to extract rather than text to keep as it is."""
    if name.lower().endswith((".html", ".htm", ".xhtml")) or _HTML_START.match(data[:4096]):
        return True
    return len(_CLOSING_BLOCK.findall(data[:8192])) >= 3


def document_from_bytes(data, name="input", url=""):
    """A Document from a file's bytes: HTML is extracted, anything else must be UTF-8 text."""
    return document_from_text(decode_file(data, name), name=name, url=url)


def decode_file(data, name="input"):
    """A file's text: HTML as a browser reads it (its ``<meta charset>``, else UTF-8, else
    windows-1252: a saved page is often not UTF-8), anything else as UTF-8 text."""
    if not looks_like_html(data, name):
        return decode_article_bytes(data, name=name)
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleInputError(f"{name}: binary file (contains NUL bytes), expected HTML")
    return decode_page(data)


def document_from_text(text, name="input", url=""):
    """A Document from text already decoded (pasted in the admin, or a file ``decode_file``
    read): its own ``<meta charset>`` no longer says anything about it."""
    if looks_like_html(text.encode("utf-8"), name):
        return document_from_html(text, url=url, name=name)
    return Document(text=decode_article_bytes(text.encode("utf-8"), name=name), url=url)


def document_from_html(html, url="", name="input"):
    """Main text and metadata of an HTML page; offsets later index into this text."""
    if not _DOCUMENT_TAG.search(html[:8192]):
        # A pasted fragment (« <p>…</p> »): trafilatura looks for the article in a body.
        html = f"<html><body>{html}</body></html>"
    extracted = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # The date the page declares (its metadata, markup or address), never one found in
        # the text: htmldate's extensive search took "le 12 mars 2016", the day a statement
        # was made, for the article's. (Its first publication, not its last update, as before.)
        date_extraction_params=set_date_params(extensive=False),
    )
    extracted = extracted.as_dict() if extracted is not None else {}
    text = normalize_body(extracted.get("text") or "")
    # Menus, cookie banners and captions are not an article.
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ArticleInputError(f"{name}: no article text found in the HTML")
    return Document(
        text=text,
        title=(extracted.get("title") or "").strip(),
        author=(extracted.get("author") or "").strip(),
        published=_parse_date(extracted.get("date")),
        site_name=(extracted.get("sitename") or "").strip(),
        url=url,
    )


def document_from_url(url):
    """Fetch a URL through the safe fetcher and extract its article."""
    try:
        result = fetch(url, max_bytes=settings.ARTICLE_MAX_BYTES)
    except FetchError as exc:
        raise ArticleInputError(f"{url}: {exc}") from None
    if result.status_code >= 400:
        raise ArticleInputError(f"{url}: the server answered HTTP {result.status_code}")
    if result.content_type not in ("text/html", "application/xhtml+xml", "text/plain"):
        raise ArticleInputError(f"{url}: not an article page ({result.content_type or 'no type'})")
    content_type = result.headers.get("content-type", "")
    if result.content_type == "text/plain":
        return Document(text=_plain_text(result.body, content_type, url), url=result.final_url)
    html = decode_page(result.body, content_type)
    return document_from_html(html, url=result.final_url, name=url)


def _plain_text(body, content_type, url):
    """UTF-8 first: servers often label UTF-8 text ISO-8859-1 or us-ascii by default. Only
    bytes that are not UTF-8 are read in the declared charset."""
    try:
        return decode_article_bytes(body, name=url)
    except ArticleInputError:
        if "charset" not in content_type.lower() or b"\x00" in body:
            raise
    return decode_article_bytes(decode_page(body, content_type).encode(), name=url)


def load_document(path_or_url):
    """A Document from a file path or a URL, with a one-line error for anything else."""
    if is_url(path_or_url):
        return document_from_url(path_or_url)
    data = read_limited_bytes(path_or_url)
    if not data.strip():
        raise ArticleInputError(f"{path_or_url}: empty file, nothing to import")
    return document_from_bytes(data, name=str(path_or_url))


def _parse_date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
