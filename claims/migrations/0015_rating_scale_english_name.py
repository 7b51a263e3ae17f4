"""Rating scales get an English name, for English pages that show several scales (the list's
rating filter, the methodology); the seeded default scale gets its own, unless the newsroom has
renamed it."""

from django.db import migrations, models


def name_the_default_scale(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    RatingScale.objects.filter(slug="factcheck", name="Échelle factcheck", name_en="").update(
        name_en="factcheck scale"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_resync_local_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="ratingscale",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown on English pages; the French name is shown when this is empty.",
                max_length=200,
                verbose_name="English name",
            ),
        ),
        migrations.AlterField(
            model_name="ratingscale",
            name="name",
            field=models.CharField(max_length=200, verbose_name="French name"),
        ),
        migrations.RunPython(name_the_default_scale, migrations.RunPython.noop),
    ]
