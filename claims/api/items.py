"""The reviews the API serves, built as plain dicts from plain rows: the sync feed's pages and
the review detail, the API's hot path.

``serializers.ReviewSerializer`` stays the specification (the OpenAPI schema is made from it)
and ``tests/test_api.py`` checks that these items are exactly what it gives. It is not used to
build them because it cost most of a page (docs/benchmarks.md, "Partner API"): DRF builds a
ModelSerializer's fields afresh, by model introspection, every time one is instantiated (a
quarter of a review detail's time), walks every field of every nested object through generic
attribute lookups, and ``prefetch_related`` clones a queryset per review and relation. Here: the
reviews with their claim, speaker and rating in one query, then the appearances, sources and
corrections of the whole page as tuples, one query each.
"""

from collections import defaultdict
from datetime import UTC

from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from ..models import ClaimAppearance, Correction, Source
from ..publishing.verdicts import published_reviews

# What the items read, and nothing else: explanations and claim texts are long, and a column
# the item needs but the list forgets would cost a query per review (tests/test_api.py counts).
REVIEW_FIELDS = (
    "id",
    "updated_at",
    "published_at",
    "conclusion",
    "explanation",
    "claim__id",
    "claim__text",
    "claim__quotation",
    "claim__language",
    "claim__claim_type",
    "claim__speaker__id",
    "claim__speaker__name",
    "claim__speaker__kind",
    "claim__speaker__role",
    "claim__speaker__wikidata_id",
    "rating__id",
    "rating__slug",
    "rating__label_fr",
    "rating__label_en",
    "rating__value",
)


def item_reviews():
    """Published reviews with the columns ``review_items`` reads, in one query."""
    return published_reviews().select_related("claim__speaker", "rating").only(*REVIEW_FIELDS)


def utc(moment):
    """As ``serializers.UTCDateTimeField``: UTC, ISO 8601, ``Z``, microseconds when not 0."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class VerdictURLs:
    """Public verdict URLs, one ``reverse`` per language rather than one per review.

    ``Review.get_absolute_url`` is ``reverse("public:verdict", pk, slug)`` under the language's
    prefix; reversing once with marker values gives the text around the id and slug. If the
    route ever stops ending in ``<pk>/<slug>/``, every URL is reversed in full instead.
    """

    _PK, _SLUG = 918273645, "verdict-url-marker"

    def __init__(self, base_url):
        self.base_url = base_url
        self.prefixes = {}

    def prefix(self, language):
        if language not in self.prefixes:
            with translation.override(language):
                path = reverse("public:verdict", kwargs={"pk": self._PK, "slug": self._SLUG})
            tail = f"{self._PK}/{self._SLUG}/"
            self.prefixes[language] = path.removesuffix(tail) if path.endswith(tail) else None
        return self.prefixes[language]

    def __call__(self, review, language):
        prefix = self.prefix(language)
        if prefix is None:
            with translation.override(language):
                return self.base_url + review.get_absolute_url()
        return f"{self.base_url}{prefix}{review.pk}/{review.slug}/"


def review_items(reviews, base_url):
    """The API's item for each review (from ``item_reviews()``), in order; three queries."""
    reviews = list(reviews)
    if not reviews:
        return []
    claim_ids = [review.claim_id for review in reviews]
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
                "date": published.date().isoformat() if published else None,
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
        Correction.objects.filter(review_id__in=[review.pk for review in reviews])
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
    for review in reviews:
        claim, speaker, rating = review.claim, review.claim.speaker, review.rating
        items.append(
            {
                "id": review.pk,
                "deleted": False,
                "updated_at": utc(review.updated_at),
                "published_at": utc(review.published_at),
                "language": claim.language,
                "url": url(review, claim.language),
                "claim": {
                    "id": claim.pk,
                    "text": claim.text,
                    "quotation": claim.quotation,
                    "language": claim.language,
                    "type": claim.claim_type,
                },
                "speaker": None
                if speaker is None
                else {
                    "id": speaker.pk,
                    "name": speaker.name,
                    "kind": speaker.kind,
                    "role": speaker.role,
                    "wikidata_id": speaker.wikidata_id,
                },
                "rating": None
                if rating is None
                else {
                    "id": rating.pk,
                    "slug": rating.slug,
                    "label_fr": rating.label_fr,
                    "label_en": rating.label_en,
                    "value": rating.value,
                },
                "conclusion": review.conclusion,
                "explanation": review.explanation,
                "appearances": appearances.get(claim.pk, []),
                "sources": sources.get(claim.pk, []),
                "corrections": corrections.get(review.pk, []),
            }
        )
    return items
