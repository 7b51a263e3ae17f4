"""Articles dated outside 1800–2199 before the form refused it: a date no one could show
(year 1 in Paris is before year 1 in UTC) made every admin list holding the article a 500,
its own page included, so it could not be fixed there. Such a date is cleared: unknown."""

from datetime import date, datetime, timezone

from django.db import migrations


def clear_implausible_dates(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    ImportJob = apps.get_model("claims", "ImportJob")
    # Filtered in SQL: such a row cannot even be read into Python.
    too_early = datetime(1800, 1, 1, tzinfo=timezone.utc)
    too_late = datetime(2200, 1, 1, tzinfo=timezone.utc)
    Article.objects.filter(published_at__lt=too_early).update(published_at=None)
    Article.objects.filter(published_at__gte=too_late).update(published_at=None)
    ImportJob.objects.filter(published__lt=date(1800, 1, 1)).update(published=None)
    ImportJob.objects.filter(published__gte=date(2200, 1, 1)).update(published=None)


class Migration(migrations.Migration):
    dependencies = [("claims", "0025_review_published_idx_with_id")]

    operations = [migrations.RunPython(clear_implausible_dates, migrations.RunPython.noop)]
