"""The partner API's endpoints: thin views over published content (docs/api.md)."""

import json
from itertools import islice

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .. import slots
from ..models import Claim, Language, Rating, Review, Speaker
from ..publishing.claimreview import claim_review, public_origin
from ..publishing.ratings import scale_bounds
from ..publishing.verdicts import published_reviews
from . import schema  # noqa: F401 - registers the API key's OpenAPI scheme
from . import serializers as s
from .caching import usual_accept
from .feed import LIVE, appearances_by_claim, claim_review_reviews
from .filters import ClaimFilter, ReviewFilter
from .items import VerdictURLs, item_rows, review_items
from .keys import ApiKeyAuthentication
from .pagination import IdPagination, SyncPagination
from .throttling import ApiRateThrottle


def build_claim_review(review, urls, language, bounds, appearances):
    """What the verdict page embeds; ``appearances`` from ``appearances_by_claim``."""
    return claim_review(
        review,
        urls(review.pk, review.slug, language),
        language,
        appearances.get(review.claim_id, []),
        bounds.get(review.rating.scale_id),
    )


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class FirstRenderer(BaseContentNegotiation):
    """JSON-LD is served as such whatever the client asks for (it is JSON too)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class JSONNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, settled at once for what nearly every client sends (no ``Accept``,
    ``*/*`` or ``application/json``, no ``?format=``): parsing it cost a sixth of a kept answer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if format_suffix is None and len(renderers) == 1 and usual_accept(request._request):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="A query parameter is invalid."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not published, or no such id."),
}
# Errors are plain JSON (errors.exception_handler) also where the view renders JSON-LD.
JSON_ERRORS = {(status, "application/json"): response for status, response in ERRORS.items()}


class PublicAccess:
    """Open to all within the per-minute limit; an API key raises it (docs/api.md)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [ApiRateThrottle]


class PublicAPIView(PublicAccess, GenericAPIView):
    """Read-only and open to all; an API key raises the per-minute limit (docs/api.md)."""

    # drf-spectacular takes an operation's description from this docstring: it is for partners.

    # JSON only: the browsable API's pages run inline scripts our CSP forbids.
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONNegotiation
    # Whether answers may hold back recent rows (``response.settled_at``): then they carry no
    # Last-Modified and If-Modified-Since is ignored (caching.conditional).
    holds_rows_back = False

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "base_url": public_origin(self.request)}


_sync_item = PolymorphicProxySerializer(
    component_name="SyncItem",
    serializers=[s.ReviewSerializer, s.TombstoneSerializer],
    resource_type_field_name=None,
    many=True,
)


@extend_schema(
    summary="Published reviews and tombstones, oldest change first (the sync feed)",
    description=(
        "Every published review, and `{id, deleted: true, updated_at}` for each review that "
        "was public and was unpublished or deleted, ordered by when each last changed for "
        "partners (the review, or its claim, speaker, sources, appearances, rating or "
        "corrections: an item comes again when any of them changes), then id. Follow "
        "`next` while `has_more`; keep the last `next` and poll it for later changes. Rows "
        "changed in the last seconds are held back until no earlier change can still commit. "
        "`rating`, `speaker` and `language` filter published reviews only; tombstones are "
        "never filtered but by time."
    ),
    responses={200: _sync_item, 400: ERRORS[400]},
)
class ReviewList(PublicAPIView):
    serializer_class = s.ReviewSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReviewFilter
    pagination_class = SyncPagination
    holds_rows_back = True

    def get_queryset(self):
        return published_reviews()

    def get(self, request):
        filterset = ReviewFilter(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        window = filterset.form.cleaned_data
        page = self.paginator.paginate(
            filterset.qs,
            request,
            since=window.get("updated_since"),
            before=window.get("updated_before"),
        )
        live_ids = [pk for pk, _, kind in page.entries if kind == LIVE]
        rows = {row[0]: row for row in item_rows().filter(pk__in=live_ids)}
        items = review_items([rows[pk] for pk in live_ids if pk in rows], public_origin(request))
        live = iter(items)
        results = []
        for pk, changed_at, kind in page.entries:
            if kind != LIVE:
                results.append(s.tombstone(pk, changed_at))
            elif pk in rows:  # else unpublished since: its tombstone comes on a later page
                results.append(next(live))
        response = self.paginator.get_paginated_response(results)
        response.settled_at = page.horizon
        return response


@extend_schema(summary="A published review", responses={200: s.ReviewSerializer, **ERRORS})
class ReviewDetail(PublicAPIView):
    serializer_class = s.ReviewSerializer

    def get_queryset(self):
        return item_rows()

    def get(self, request, pk):
        row = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(review_items([row], public_origin(request))[0])


_language = OpenApiParameter(
    "language",
    # Empty means the default, as in the lists' filters (an HTML form sends it so).
    enum=[*Language.values, ""],
    description="Language of the rating label and page URL; the verdict's language by default "
    "(also when empty).",
)


LANGUAGE_FIELD = forms.ChoiceField(choices=Language.choices, required=False)


@extend_schema(
    summary="A published review as schema.org ClaimReview (JSON-LD)",
    description="Exactly the object the verdict page embeds.",
    parameters=[_language],
    responses={
        (200, "application/ld+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="schema.org ClaimReview"
        ),
        **JSON_ERRORS,
    },
)
class ClaimReviewDetail(PublicAPIView):
    renderer_classes = [JSONLDRenderer]
    content_negotiation_class = FirstRenderer

    def get_queryset(self):
        return claim_review_reviews()

    def get(self, request, pk):
        try:  # an unknown language is a 400, as in the lists' filters
            language = LANGUAGE_FIELD.clean(request.query_params.get("language", ""))
        except DjangoValidationError as error:
            raise ValidationError({"language": error.messages}) from None
        review = get_object_or_404(self.get_queryset(), pk=pk)
        language = language or review.language
        urls = VerdictURLs(public_origin(request))
        appearances = appearances_by_claim([review.claim_id])
        return Response(build_claim_review(review, urls, language, scale_bounds(), appearances))


@extend_schema(
    summary="Every published review as a schema.org DataFeed of ClaimReview (JSON-LD)",
    description="Streamed; each element is the review's ClaimReview in its claim's language, "
    "without the repeated `@context`.",
    responses={
        (200, "application/ld+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="schema.org DataFeed"
        )
    },
)
class DataFeed(PublicAPIView):
    renderer_classes = [JSONLDRenderer]
    content_negotiation_class = FirstRenderer

    def get(self, request):
        # Each export holds a sync worker for a minute or more (44 to 78 s at 100,000
        # verdicts): unbounded, a few of them at once would hold the whole site.
        token = slots.take(EXPORT_SLOTS, settings.API_EXPORTS_IN_FLIGHT, settings.GUNICORN_TIMEOUT)
        if token is None:
            raise Throttled(wait=EXPORT_RETRY_AFTER, detail=str(EXPORTS_BUSY))
        return StreamingHttpResponse(
            SlotHeld(datafeed_chunks(public_origin(request)), token),
            content_type="application/ld+json",
        )


EXPORT_SLOTS = "factcheck:exports"
EXPORT_RETRY_AFTER = 60
EXPORTS_BUSY = _("Other DataFeed exports are being read; try again in a minute.")


class SlotHeld:
    """An export's chunks, holding its slot until the server closes the response: read to
    the end, or the client gone (Django calls ``close`` either way, even if never read)."""

    def __init__(self, chunks, token):
        self.chunks, self.token = chunks, token

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        slots.give_back(EXPORT_SLOTS, self.token)
        self.chunks.close()


def datafeed_chunks(base):
    """The DataFeed as JSON text, one review at a time: memory stays flat however many.

    Reviews are read through one server-side cursor, ``API_EXPORT_CHUNK_SIZE`` at a time, and
    each chunk's appearances in one query.
    """
    bounds = scale_bounds()
    urls = VerdictURLs(base)
    size = settings.API_EXPORT_CHUNK_SIZE
    reviews = claim_review_reviews().order_by("id").iterator(chunk_size=size)
    yield '{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": ['
    separator = "\n"
    while chunk := list(islice(reviews, size)):
        appearances = appearances_by_claim([review.claim_id for review in chunk])
        for review in chunk:
            language = review.language
            element = build_claim_review(review, urls, language, bounds, appearances)
            del element["@context"]  # given once, for the whole feed
            yield separator + json.dumps(element, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}\n"


def public_claims():
    published = published_reviews().filter(claim=OuterRef("pk"))
    return (
        Claim.objects.filter(Q(reviews__state=Review.State.PUBLISHED))
        .annotate(review_id=Subquery(published.values("pk")[:1]))
        .select_related("speaker")
        .defer("checkworthiness_reasons")
    )


@extend_schema(
    summary="Claims with a published review",
    responses={200: s.ClaimSerializer(many=True), 400: ERRORS[400]},
)
class ClaimList(PublicAPIView):
    serializer_class = s.ClaimSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter
    pagination_class = IdPagination

    def get_queryset(self):
        return public_claims()

    def get(self, request):
        claims = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(claims, many=True).data)


@extend_schema(
    summary="A claim with a published review", responses={200: s.ClaimSerializer, **ERRORS}
)
class ClaimDetail(PublicAPIView):
    serializer_class = s.ClaimSerializer

    def get_queryset(self):
        return public_claims()

    def get(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)


def public_speakers():
    published = Q(claims__reviews__state=Review.State.PUBLISHED)
    return Speaker.objects.annotate(
        published_reviews=Count("claims__reviews", filter=published)
    ).filter(published_reviews__gt=0)


@extend_schema(
    summary="Speakers of published claims",
    responses={200: s.SpeakerSerializer(many=True), 400: ERRORS[400]},
)
class SpeakerList(PublicAPIView):
    serializer_class = s.SpeakerSerializer
    pagination_class = IdPagination

    def get_queryset(self):
        return public_speakers()

    def get(self, request):
        speakers = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(speakers, many=True).data)


@extend_schema(
    summary="A speaker of published claims", responses={200: s.SpeakerSerializer, **ERRORS}
)
class SpeakerDetail(PublicAPIView):
    serializer_class = s.SpeakerSerializer

    def get_queryset(self):
        return public_speakers()

    def get(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)


@extend_schema(
    summary="The rating scales: every label a verdict can carry",
    responses={200: s.RatingSerializer(many=True)},
)
class RatingList(PublicAPIView):
    serializer_class = s.RatingSerializer

    def get_queryset(self):
        return Rating.objects.select_related("scale").order_by(
            "-scale__is_default", "scale__slug", "position", "id"
        )

    def get(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


@extend_schema(summary="A rating", responses={200: s.RatingSerializer, **ERRORS})
class RatingDetail(PublicAPIView):
    serializer_class = s.RatingSerializer

    def get_queryset(self):
        return Rating.objects.select_related("scale")

    def get(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
