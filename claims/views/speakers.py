"""A speaker's public page: their verdicts and how they break down by rating."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..models import Speaker
from ..publishing.charts import rating_breakdown
from ..publishing.ratings import public_scales
from ..publishing.verdicts import listed_reviews, published_reviews
from .common import Page, canonical_redirect, list_canonical_url, list_items, public_page


@require_safe
def speaker_redirect(request, pk):
    """Short links lead to the canonical URL, for speakers with a public page."""
    speaker = get_object_or_404(Speaker, pk=pk)
    if not published_reviews().filter(claim__speaker=speaker).exists():
        raise Http404("no published verdict for this speaker")
    return canonical_redirect(request, speaker)


@require_safe
@public_page
def speaker_detail(request, pk, slug):
    speaker = get_object_or_404(Speaker, pk=pk)
    reviews = published_reviews().filter(claim__speaker=speaker)
    counts = dict(reviews.values_list("rating_id").annotate(n=Count("id")).order_by())
    if not counts:
        # Speakers only known from drafts stay private.
        raise Http404("no published verdict for this speaker")
    if slug != speaker.slug:
        return canonical_redirect(request, speaker)
    # Every scale's ratings, the default scale's first: verdicts on another scale count too.
    ratings = [rating for _scale, scale_ratings in public_scales() for rating in scale_ratings]
    rows = [(r.label_text, r.colour, counts[r.pk]) for r in ratings if counts.get(r.pk)]
    page = Page(
        request,
        listed_reviews().filter(claim__speaker=speaker).order_by("-published_at", "-id"),
    )
    list_items(page.items)
    return render(
        request,
        "public/speaker_detail.html",
        {
            "speaker": speaker,
            "page": page,
            "chart": rating_breakdown(rows),
            "canonical_url": list_canonical_url(request, speaker.get_absolute_url(), page),
        },
    )
