"""Verdict and speaker slugs now spell every script in ASCII (« sœurs » → soeurs, « 10 € » →
10-eur, « Зеленський » → zelenskiy) where slugify dropped those letters. Old URLs redirect
to the new ones; reviews whose public URL changed move in the partner feed, so that mirrors
fetch the new ``url`` (claims.api.feed)."""

from anyascii import anyascii
from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify


def old_slug(text):
    return slugify(text)[:80].strip("-") or "verdict"


def new_slug(text):
    return slugify(anyascii(text))[:80].strip("-") or "verdict"


def move_reviews_whose_url_changed(apps, schema_editor):
    Review = apps.get_model("claims", "Review")
    published = Review.objects.filter(state="published")
    moved = [
        pk
        for pk, text in published.values_list("pk", "claim__text").iterator(chunk_size=5000)
        if not text.isascii() and old_slug(text) != new_slug(text)
    ]
    now = timezone.now()
    for start in range(0, len(moved), 1000):
        Review.objects.filter(pk__in=moved[start : start + 1000]).update(synced_at=now)


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_review_language")]

    operations = [migrations.RunPython(move_reviews_whose_url_changed, migrations.RunPython.noop)]
