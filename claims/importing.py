"""Article import: validate raw input at the edge, then store it once and only once."""

import unicodedata
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator

from .models import Article, Language, body_sha256

# Control characters that never occur in text a newsroom would import.
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f"}


class ArticleInputError(ValueError):
    """The input cannot become an article; the message says why in one line."""


def read_article_file(path, max_bytes=None):
    """Read a UTF-8 text file for import, refusing what is not a news article's text."""
    max_bytes = max_bytes or settings.ARTICLE_MAX_BYTES
    path = Path(path)
    if not path.exists():
        raise ArticleInputError(f"{path}: no such file")
    if not path.is_file():
        raise ArticleInputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleInputError(
            f"{path}: file is {size:,} bytes, the limit is {max_bytes:,} (ARTICLE_MAX_BYTES)"
        )
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while we looked at it
        raise ArticleInputError(f"{path}: file is larger than {max_bytes:,} bytes")
    return decode_article_bytes(data, name=str(path))


def decode_article_bytes(data, name="input"):
    """Decode bytes as UTF-8 article text, or explain in one line why they are not."""
    if b"\x00" in data:
        raise ArticleInputError(f"{name}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleInputError(
            f"{name}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    controls = sum(
        1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS
    )
    if controls:
        raise ArticleInputError(
            f"{name}: binary file ({controls} control characters), expected text"
        )
    text = normalize_body(text)
    if not text:
        raise ArticleInputError(f"{name}: empty file, nothing to import")
    return text


def normalize_body(text):
    """Canonical form of an article body: NFC, Unix newlines, no surrounding blank space.

    Claim offsets point into this exact string, and its digest identifies the article.
    """
    text = unicodedata.normalize("NFC", text).lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def parse_published(value):
    """Parse ``YYYY-MM-DD`` or an ISO datetime into an aware datetime (midnight, local time)."""
    if not value:
        return None
    error = ArticleInputError(f"--published {value!r}: expected YYYY-MM-DD or an ISO datetime")
    try:
        moment = parse_datetime(value)
        day = parse_date(value) if moment is None and len(value) == 10 else None
    except ValueError:  # well formed but impossible, such as month 13
        raise error from None
    if moment is None:
        if day is None:
            raise error
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def default_title(body):
    first_line = body.split("\n", 1)[0]
    return Truncator(first_line).chars(120)


@transaction.atomic
def import_article(
    body,
    *,
    title="",
    outlet="",
    author="",
    url="",
    published_at=None,
    language="",
    imported_by=None,
):
    """Store an article body, or find the one already imported with the same text.

    Returns ``(article, created)``. Metadata of an existing article is left as it is.
    """
    body = normalize_body(body)
    if not body:
        raise ArticleInputError("empty text, nothing to import")
    language = language or settings.LANGUAGE_CODE
    if language not in Language.values:
        raise ArticleInputError(
            f"language {language!r} is not supported ({', '.join(Language.values)})"
        )
    digest = body_sha256(body)
    url = url.strip()
    if url:
        clash = Article.objects.filter(url=url).exclude(body_sha256=digest).first()
        if clash:
            raise ArticleInputError(f"{url} is already article #{clash.pk} with a different text")
    return Article.objects.get_or_create(
        body_sha256=digest,
        defaults={
            "body": body,
            "title": title.strip() or default_title(body),
            "outlet": outlet.strip(),
            "author": author.strip(),
            "url": url,
            "published_at": published_at,
            "language": language,
            "imported_by": imported_by,
        },
    )
