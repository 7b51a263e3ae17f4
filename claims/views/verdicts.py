"""Readers' pages: the verdict list with search and filters, a verdict, a source's archive."""

import json
from datetime import datetime, time, timedelta

from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from ..evidence import snapshot_response
from ..forms import VerdictFilterForm
from ..models import ClaimAppearance, SourceCheck, normalize_name
from ..publishing.claimreview import claim_review
from ..publishing.passages import passage
from ..publishing.ratings import public_scales, scale_bounds
from ..publishing.rendering import render_markdown
from ..publishing.search import search_reviews
from ..publishing.verdicts import listed_reviews, published_reviews
from .common import (
    Page,
    absolute_url,
    canonical_redirect,
    list_canonical_url,
    list_items,
    public_page,
)


def filter_verdicts(reviews, form):
    """Apply the valid filters of ``form``; invalid ones are left out and shown to the reader."""
    form.is_valid()
    data = form.cleaned_data  # holds the valid fields only
    if data.get("rating"):
        reviews = reviews.filter(rating=data["rating"])
    if data.get("speaker"):
        reviews = reviews.filter(
            claim__speaker__normalized_name__contains=normalize_name(data["speaker"])
        )
    if data.get("language"):
        reviews = reviews.filter(claim__language=data["language"])
    # Whole days in the site's time zone, as bounds the published_at index can use.
    if data.get("since"):
        reviews = reviews.filter(published_at__gte=_start_of(data["since"]))
    if data.get("until"):
        reviews = reviews.filter(published_at__lt=_start_of(data["until"] + timedelta(days=1)))
    if data.get("q"):
        return search_reviews(reviews, data["q"])
    return reviews.order_by("-published_at", "-id")


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@require_safe
@public_page
def verdict_list(request):
    form = VerdictFilterForm(request.GET or None, scales=public_scales())
    reviews = listed_reviews()
    if form.is_bound:
        reviews = filter_verdicts(reviews, form)
    else:
        reviews = reviews.order_by("-published_at", "-id")
    page = Page(request, reviews)
    list_items(page.items)
    filtered = form.filtering
    return render(
        request,
        "public/verdict_list.html",
        {
            "form": form,
            "page": page,
            "filtered": filtered,
            # Something was typed into the form, valid or not: offer to clear it.
            "clearable": any(request.GET.get(name) for name in form.fields),
            # Filters fold away on phones, except when in use or wrongly filled.
            "filters_open": bool(form.errors)
            or any(request.GET.get(name) for name in form.fields if name != "q"),
            "query": form.cleaned_data.get("q", "").strip() if filtered else "",
            "canonical_url": list_canonical_url(request, request.path, page, filtered),
        },
    )


# What a verdict page, its ClaimReview and its redirects read: the review's search vector, the
# claim's extraction details and the users' other columns (password hash included) stay in
# the database.
DETAIL_FIELDS = (
    "conclusion",
    "explanation",
    "language",
    "published_at",
    "updated_at",
    "claim__text",
    "claim__quotation",
    "claim__language",
    "claim__speaker__name",
    "claim__speaker__role",
    "claim__speaker__kind",
    "rating__scale__slug",
    "rating__scale__is_default",
    "rating__slug",
    "rating__label_fr",
    "rating__label_en",
    "rating__definition_fr",
    "rating__definition_en",
    "rating__value",
    "rating__colour",
    "author__username",
    "author__first_name",
    "author__last_name",
    "editor__username",
    "editor__first_name",
    "editor__last_name",
)


def _public_review(pk):
    return get_object_or_404(
        published_reviews()
        .select_related("claim__speaker", "rating__scale", "author", "editor")
        .only(*DETAIL_FIELDS),
        pk=pk,
    )


@require_safe
def verdict_redirect(request, pk):
    """Short links and old slugs lead to the canonical URL."""
    return canonical_redirect(request, _public_review(pk))


@require_safe
@public_page
def verdict_detail(request, pk, slug):
    review = _public_review(pk)
    if slug != review.slug:
        return canonical_redirect(request, review)
    claim = review.claim
    appearances = list(
        ClaimAppearance.objects.filter(claim=claim)
        .select_related("article")
        .order_by(F("article__published_at").asc(nulls_last=True), "id")
    )
    # The copy of the address readers are sent to, not of one the source had before.
    archived = SourceCheck.objects.filter(
        source=OuterRef("pk"), url=OuterRef("url"), state=SourceCheck.State.DONE
    ).exclude(snapshot_text="")
    sources = list(
        claim.sources.annotate(
            archive_check_id=Subquery(archived.order_by("-finished_at", "-id").values("pk")[:1])
        )
    )
    corrections = list(review.corrections.all())
    canonical = absolute_url(request, review.get_absolute_url())
    language = get_language()
    structured = claim_review(
        review, canonical, language, appearances, scale_bounds().get(review.rating.scale_id)
    )
    first = appearances[0] if appearances else None
    return render(
        request,
        "public/verdict_detail.html",
        {
            "review": review,
            "claim": claim,
            "speaker": claim.speaker,
            "appearances": appearances,
            "first_appearance": first,
            "passage": passage(first.article.body, first.start, first.end) if first else None,
            "sources": sources,
            "corrections": corrections,
            "explanation": render_markdown(review.explanation),
            "canonical_url": canonical,
            "claim_review_json": _json_for_script(structured),
            "submit_url": reverse("public:submit") + f"?review={review.pk}&kind=error",
        },
    )


@require_safe
def source_archive(request, pk, source_id):
    """The text we archived of a source the last time it was fetched, as inert plain text."""
    review = _public_review(pk)
    check = (
        SourceCheck.objects.filter(
            source_id=source_id,
            source__claim_id=review.claim_id,
            url=F("source__url"),
            state=SourceCheck.State.DONE,
        )
        .exclude(snapshot_text="")
        .order_by("-finished_at", "-id")
        .first()
    )
    if check is None:
        raise Http404("no archived copy of this source")
    response = snapshot_response(check, "text")
    # Someone else's text, kept as evidence: search engines should index the source, not us.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _json_for_script(data):
    """JSON that cannot close its <script> element, whatever the fact-checkers typed."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
