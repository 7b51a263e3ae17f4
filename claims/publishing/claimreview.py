"""schema.org ClaimReview for a published verdict: what search engines and partners read.

The same object is embedded in the verdict page and served by the partner API. Only
properties and types from schema.org's vocabulary are used.
"""

from django.conf import settings
from django.utils import timezone

from ..models import Speaker


def public_origin(request):
    """The public site's origin for absolute links: ``PUBLIC_BASE_URL``, else the request's."""
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def local_day(moment):
    """The day of ``moment`` in the site's time zone, as the pages show it (ISO 8601): an
    article dated 29 June in Paris is stored as 28 June 22:00 UTC."""
    return timezone.localdate(moment).isoformat()


def organisation():
    org = {"@type": "Organization", "name": settings.ORGANISATION_NAME}
    if settings.ORGANISATION_URL:
        org["url"] = settings.ORGANISATION_URL
    return org


def _speaker(speaker):
    if speaker is None:
        return None
    if speaker.kind == Speaker.Kind.ORGANISATION:
        return {"@type": "Organization", "name": speaker.name}
    person = {"@type": "Person", "name": speaker.name}
    if speaker.role:
        person["jobTitle"] = speaker.role
    return person


def _appearance(appearance):
    article = appearance.article
    work = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        work["url"] = article.url
    if article.published_at:
        work["datePublished"] = local_day(article.published_at)
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    return work


def claim_review(review, url, language, appearances=(), scale_bounds=None):
    """Build the ClaimReview dict for ``review``, labels in ``language``.

    ``appearances`` are the claim's ClaimAppearance rows with their article, oldest first;
    ``scale_bounds`` is ``(worst, best)`` of the rating scale's values.
    """
    claim, rating = review.claim, review.rating
    review_rating = {
        "@type": "Rating",
        "alternateName": rating.label(language),
        "ratingExplanation": review.conclusion,
    }
    # Labels off the true–false line (« Invérifiable ») carry no number.
    if rating.value is not None and scale_bounds is not None:
        worst, best = scale_bounds
        review_rating.update(ratingValue=rating.value, bestRating=best, worstRating=worst)

    item = {"@type": "Claim"}
    author = _speaker(claim.speaker)
    if author:
        item["author"] = author
    works = [_appearance(a) for a in appearances]
    if works:
        item["appearance"] = works
        item["firstAppearance"] = works[0]
        if "datePublished" in works[0]:
            item["datePublished"] = works[0]["datePublished"]

    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "author": organisation(),
        "datePublished": local_day(review.published_at),
        "dateModified": review.updated_at.isoformat(),
        "inLanguage": review.language,
        "reviewRating": review_rating,
        "itemReviewed": item,
    }
    return data
