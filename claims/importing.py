"""Article import: validate raw input at the edge, then store it once and only once."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .checking.checks import request_check
from .extraction import ExtractionError, extract
from .matching import find_matching_claim
from .models import (
    Article,
    Claim,
    ClaimAppearance,
    ClaimNote,
    Language,
    Quotation,
    Speaker,
    body_sha256,
    normalize_name,
)
from .models.text import plausible_date
from .workflow.reviews import claim_edited

# Control characters that never occur in text a newsroom would import.
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f"}


class ArticleInputError(ValueError):
    """The input cannot become an article; the message says why in one line."""


def read_article_file(path, max_bytes=None):
    """Read a UTF-8 text file for import, refusing what is not a news article's text."""
    return decode_article_bytes(read_limited_bytes(path, max_bytes), name=str(path))


def read_limited_bytes(path, max_bytes=None):
    """The bytes of a regular file no larger than ``ARTICLE_MAX_BYTES``, or a one-line error."""
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
    return data


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
    try:
        plausible_date(moment)
    except ValidationError as exc:
        raise ArticleInputError(f"--published {value!r}: {exc.messages[0]}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def local_midnight(day):
    """The start of ``day`` in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


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
            # A page's metadata can run longer than the columns: PostgreSQL would refuse it.
            "title": _fit(Article, "title", title) or default_title(body),
            "outlet": _fit(Article, "outlet", outlet),
            "author": _fit(Article, "author", author),
            "url": url,
            "published_at": published_at,
            "language": language,
            "imported_by": imported_by,
        },
    )


@dataclass
class ImportResult:
    article: Article
    created: bool
    claims_created: int = 0
    claims_matched: int = 0
    quotations: int = 0


def import_document(
    document,
    *,
    title="",
    outlet="",
    author="",
    url="",
    published_at=None,
    language="",
    imported_by=None,
    threshold=None,
):
    """Import an article and its extracted claims, speakers and quotations in one transaction.

    The same text imported again returns the existing article and extracts nothing.
    """
    body = normalize_body(document.text)
    if not body:
        raise ArticleInputError("empty text, nothing to import")
    existing = Article.objects.filter(body_sha256=body_sha256(body)).first()
    if existing:
        return ImportResult(existing, created=False)
    if language and language not in Language.values:
        raise ArticleInputError(
            f"language {language!r} is not supported ({', '.join(Language.values)})"
        )
    if published_at is None and document.published:
        published_at = local_midnight(document.published)
    try:
        plausible_date(published_at)
    except ValidationError as exc:
        raise ArticleInputError(f"{published_at.date().isoformat()}: {exc.messages[0]}") from None
    published_day = timezone.localtime(published_at).date() if published_at else None
    try:
        extraction = extract(
            body,
            language=language or None,
            published=published_day,
            title=title or document.title,
            threshold=settings.EXTRACTION_THRESHOLD if threshold is None else threshold,
        )
    except ExtractionError as exc:
        raise ArticleInputError(str(exc)) from None
    try:
        with transaction.atomic():
            article, created = import_article(
                body,
                title=title or document.title,
                outlet=outlet or document.site_name,
                author=author or document.author,
                url=url or document.url,
                published_at=published_at,
                language=extraction.language,
                imported_by=imported_by,
            )
            if not created:  # imported meanwhile by someone else
                return ImportResult(article, created=False)
            if article.url:
                request_check(article=article, reason="article imported")
            return save_extraction(article, extraction)
    except IntegrityError:
        article = Article.objects.filter(body_sha256=body_sha256(body)).first()
        if article is None:
            raise
        return ImportResult(article, created=False)


def _note_unshown_appearance(claim, article, candidate):
    """A published claim found in a new article: readers see where it appeared, which changes
    only with a dated correction, so the import leaves the newsroom a note instead."""
    text = _(
        "Also appears in “%(article)s” (%(link)s), characters %(start)d–%(end)d, imported on "
        "%(day)s. Readers do not see it: an editor may add it under “Where it appeared”, with a "
        "correction note."
    ) % {
        "article": article,
        "link": article.url or _("no link"),
        "start": candidate.start,
        "end": candidate.end,
        "day": timezone.localdate().isoformat(),
    }
    ClaimNote.objects.get_or_create(claim=claim, text=text)


def save_extraction(article, extraction):
    """Store an extraction's claims, appearances, speakers and quotations for ``article``."""
    result = ImportResult(article, created=True)
    speakers = {}

    def speaker_row(mention):
        if mention is None:
            return None
        if id(mention) not in speakers:
            speakers[id(mention)] = find_or_create_speaker(mention.name, mention.kind, mention.role)
        return speakers[id(mention)]

    claim_at = {}
    for candidate in extraction.claims:
        claim = find_matching_claim(candidate.text, extraction.language)
        created_claim = claim is None
        if created_claim:
            claim = Claim.objects.create(
                text=candidate.text,
                language=extraction.language,
                speaker=speaker_row(candidate.speaker),
                quotation=candidate.quote.text if candidate.quote else "",
                check_worthiness=candidate.checkworthiness,
                checkworthiness_reasons=candidate.reasons,
                claim_type=candidate.claim_type,
            )
            result.claims_created += 1
        else:
            result.claims_matched += 1
            if claim.status == Claim.Status.PUBLISHED:
                _note_unshown_appearance(claim, article, candidate)
                continue
        added = ClaimAppearance.objects.get_or_create(
            claim=claim,
            article=article,
            start=candidate.start,
            end=candidate.end,
            defaults={
                "span_text": article.body[candidate.start : candidate.end],
                "annotations": {
                    "entities": [e.as_dict() for e in candidate.entities],
                    "dates": [d.as_dict() for d in candidate.dates],
                    "numbers": [n.as_dict() for n in candidate.numbers],
                },
            },
        )[1]
        if added and not created_claim:
            # "Where it appeared" is part of the verdict an editor approves.
            claim_edited(
                claim,
                article.imported_by,
                cause=_("New appearance imported (article #%(id)d)") % {"id": article.pk},
            )
        claim_at[(candidate.start, candidate.end)] = claim
    quotations = []
    for quote in extraction.quotes:
        claim = next(
            (c for (start, end), c in claim_at.items() if start <= quote.start < end), None
        )
        quotations.append(
            Quotation(
                article=article,
                claim=claim,
                speaker=speaker_row(quote.speaker),
                kind=quote.kind,
                start=quote.start,
                end=quote.end,
                text=quote.text,
                cue=quote.cue[:100],
            )
        )
    Quotation.objects.bulk_create(quotations, ignore_conflicts=True)
    result.quotations = len(quotations)
    return result


def _fit(model, field, value):
    """``value`` stripped and cut to the column's length, with an ellipsis when cut."""
    value, limit = value.strip(), model._meta.get_field(field).max_length
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def find_or_create_speaker(name, kind, role=""):
    """The Speaker for a name: by normalized name, else a unique fuller name that ends with it
    (« Trump » → « Donald Trump »), else a new row."""
    normalized = normalize_name(name)
    speaker = Speaker.objects.filter(normalized_name=normalized, kind=kind).first()
    if speaker is None and kind == Speaker.Kind.PERSON:
        fuller = list(
            Speaker.objects.filter(kind=kind, normalized_name__endswith=f" {normalized}")[:2]
        )
        speaker = fuller[0] if len(fuller) == 1 else None
    if speaker is None:
        speaker, _ = Speaker.objects.get_or_create(
            normalized_name=normalized, kind=kind, defaults={"name": name, "role": role[:300]}
        )
    elif role and not speaker.role and not speaker.published_claims().exists():
        # Under a published verdict the role is what readers see: an editor sets it, with a
        # correction note (claims.admin.corrections), not an import.
        speaker.role = role[:300]
        speaker.save(update_fields=["role"])
    return speaker
