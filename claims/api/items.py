"""The reviews the API serves, built as plain dicts from plain rows: the sync feed's pages and
the review detail, the API's hot path.

``serializers.ReviewSerializer`` stays the specification (the OpenAPI schema is made from it)
and ``tests/test_api.py`` checks that these items are exactly what it gives. It is not used to
build them because it cost most of a page (docs/benchmarks.md, "Partner API"): DRF builds a
ModelSerializer's fields afresh, by model introspection, every time one is instantiated (a
quarter of a review detail's time), walks every field of every nested object through generic
attribute lookups, and ``prefetch_related`` clones a queryset per review and relation. Here: the
reviews with their claim, speaker and rating as tuples in one query, then the appearances,
sources and corrections of the whole page, one query each.
"""

from collections import defaultdict
from datetime import UTC

from django.db.models import F
from django.utils import timezone, translation

from ..models import ClaimAppearance, Correction, Review, Source
from ..publishing.claimreview import local_day
from ..publishing.verdicts import published_reviews
from ..views.common import path_maker

# One row per review, with its claim, speaker and rating: plain tuples, since building four
# model instances per review was a third of a feed page's time (docs/benchmarks.md).
ROW_FIELDS = (
    "id",
    "updated_at",
    "published_at",
    "conclusion",
    "explanation",
    "language",
    "claim_id",
    "claim__text",
    "claim__quotation",
    "claim__language",
    "claim__claim_type",
    "claim__speaker_id",
    "claim__speaker__name",
    "claim__speaker__kind",
    "claim__speaker__role",
    "claim__speaker__wikidata_id",
    "rating_id",
    "rating__slug",
    "rating__label_fr",
    "rating__label_en",
    "rating__value",
)


def item_rows():
    """Published reviews as the rows ``review_items`` reads, in one query."""
    return published_reviews().values_list(*ROW_FIELDS)


def utc(moment):
    """As ``serializers.UTCDateTimeField``: UTC, ISO 8601, ``Z``, microseconds when not 0."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class _SlugSource:
    """A review row standing in for the review and its claim where ``Review.slug`` reads
    ``self.claim.text``: the model's rule, without building two model instances per review."""

    __slots__ = ("claim", "text")

    def __init__(self, text):
        self.claim, self.text = self, text


def verdict_slug(claim_text):
    """``Review.slug`` for a review of a claim with this text: the model's own rule."""
    return Review.slug.fget(_SlugSource(claim_text))


class VerdictURLs:
    """Public verdict URLs on ``base_url``: the public lists' ``path_maker``, made once per
    language rather than one ``reverse`` per review."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.paths = {}

    def __call__(self, pk, slug, language):
        if language not in self.paths:
            with translation.override(language):
                self.paths[language] = path_maker("public:verdict")
        return self.base_url + self.paths[language](pk, slug)


def review_items(rows, base_url):
    """The API's item for each row of ``item_rows()``, in order; three queries."""
    rows_in_order = list(rows)
    if not rows_in_order:
        return []
    claim_ids = [row[6] for row in rows_in_order]
    appearances = defaultdict(list)
    rows = (
        ClaimAppearance.objects.filter(claim_id__in=claim_ids)
        .order_by(F("article__published_at").asc(nulls_last=True), "id")
        .values_list(
            "claim_id", "article__title", "article__url", "article__outlet", "article__published_at"
        )
    )
    for claim_id, title, url, outlet, published in rows:
        appearances[claim_id].append(
            {
                "title": title,
                # An article pasted as text has no address and may have no date.
                "url": url or None,
                "outlet": outlet,
                "date": local_day(published) if published else None,
            }
        )
    sources = defaultdict(list)
    rows = (
        Source.objects.filter(claim_id__in=claim_ids)
        .order_by("added_at", "id")
        .values_list("claim_id", "url", "title", "kind", "status", "last_checked_at")
    )
    for claim_id, url, title, kind, status, checked in rows:
        sources[claim_id].append(
            {
                "url": url,
                "title": title,
                "kind": kind,
                "status": status,
                "last_checked_at": utc(checked),
            }
        )
    corrections = defaultdict(list)
    rows = (
        Correction.objects.filter(review_id__in=[row[0] for row in rows_in_order])
        .order_by("created_at", "id")
        .values_list("review_id", "created_at", "note")
    )
    for review_id, created, note in rows:
        # The calendar date readers see on the public page, in the site's time zone.
        corrections[review_id].append(
            {"date": timezone.localtime(created).date().isoformat(), "note": note}
        )

    url = VerdictURLs(base_url)
    items = []
    for (
        pk,
        updated_at,
        published_at,
        conclusion,
        explanation,
        language,
        claim_id,
        text,
        quotation,
        claim_language,
        claim_type,
        speaker_id,
        speaker_name,
        speaker_kind,
        speaker_role,
        wikidata_id,
        rating_id,
        rating_slug,
        label_fr,
        label_en,
        value,
    ) in rows_in_order:
        items.append(
            {
                "id": pk,
                "deleted": False,
                "updated_at": utc(updated_at),
                "published_at": utc(published_at),
                "language": language,
                "url": url(pk, verdict_slug(text), language),
                "claim": {
                    "id": claim_id,
                    "text": text,
                    "quotation": quotation,
                    "language": claim_language,
                    "type": claim_type,
                },
                "speaker": None
                if speaker_id is None
                else {
                    "id": speaker_id,
                    "name": speaker_name,
                    "kind": speaker_kind,
                    "role": speaker_role,
                    "wikidata_id": wikidata_id,
                },
                "rating": None
                if rating_id is None
                else {
                    "id": rating_id,
                    "slug": rating_slug,
                    "label_fr": label_fr,
                    "label_en": label_en,
                    "value": value,
                },
                "conclusion": conclusion,
                "explanation": explanation,
                "appearances": appearances.get(claim_id, []),
                "sources": sources.get(claim_id, []),
                "corrections": corrections.get(pk, []),
            }
        )
    return items
