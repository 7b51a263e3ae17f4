"""Reviews remember who last changed their text, so that the four-eyes rule also stops an
editor approving a draft they rewrote. Existing reviews start from their author: history
does not say reliably who changed what last."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def start_from_the_author(apps, schema_editor):
    Review = apps.get_model("claims", "Review")
    Review.objects.filter(last_edited_by__isnull=True).update(
        last_edited_by=models.F("author")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0017_resync_transliterated_slugs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreview",
            name="last_edited_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="Who last changed the text or submitted it; they cannot also approve it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="text last changed by",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="last_edited_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Who last changed the text or submitted it; they cannot also approve it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="text last changed by",
            ),
        ),
        migrations.RunPython(start_from_the_author, migrations.RunPython.noop),
    ]
