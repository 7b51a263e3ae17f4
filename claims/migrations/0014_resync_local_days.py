"""Dates the partner API gives as days (an appearance's, a ClaimReview's datePublished) are now
the site's time zone's days, not UTC's: reviews where the two differ move in the partner feed,
so that mirrors fetch them again (claims.api.feed)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def _days_differ(moment, zone):
    return (
        moment is not None
        and moment.astimezone(zone).date() != moment.astimezone(ZoneInfo("UTC")).date()
    )


def move_changed_reviews(apps, schema_editor):
    Review = apps.get_model("claims", "Review")
    ClaimAppearance = apps.get_model("claims", "ClaimAppearance")
    zone = ZoneInfo(settings.TIME_ZONE)
    claims = {
        claim_id
        for claim_id, published in ClaimAppearance.objects.values_list(
            "claim_id", "article__published_at"
        ).iterator(chunk_size=5000)
        if _days_differ(published, zone)
    }
    published = Review.objects.filter(state="published")
    moved = [
        pk
        for pk, claim_id, published_at in published.values_list(
            "pk", "claim_id", "published_at"
        ).iterator(chunk_size=5000)
        if claim_id in claims or _days_differ(published_at, zone)
    ]
    now = timezone.now()
    for start in range(0, len(moved), 1000):
        Review.objects.filter(pk__in=moved[start : start + 1000]).update(synced_at=now)


class Migration(migrations.Migration):
    dependencies = [("claims", "0013_speaker_names_in_every_script")]

    operations = [migrations.RunPython(move_changed_reviews, migrations.RunPython.noop)]
