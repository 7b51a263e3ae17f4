"""A verdict has a language of its own (a French newsroom checks English claims in French).
Existing verdicts take their claim's, which is what pages, ClaimReview and the partner API
took for them until now: nothing readers or partners receive changes."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import claims.models.verdicts


def take_the_claims_language(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    claim_language = Subquery(
        Claim.objects.filter(pk=OuterRef("claim_id"), language__in=["fr", "en"]).values(
            "language"
        )[:1]
    )
    for name in ("Review", "HistoricalReview"):
        model = apps.get_model("claims", name)
        # A plain UPDATE: updated_at and synced_at stay, as what partners get is unchanged.
        model.objects.filter(
            claim_id__in=Claim.objects.filter(language__in=["fr", "en"]).values("pk")
        ).update(language=claim_language)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0015_rating_scale_english_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreview",
            name="language",
            field=models.CharField(
                choices=[("fr", "French"), ("en", "English")],
                default=claims.models.verdicts.newsroom_language,
                help_text="The language the conclusion and explanation are written in.",
                max_length=8,
                verbose_name="language of the verdict",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="language",
            field=models.CharField(
                choices=[("fr", "French"), ("en", "English")],
                default=claims.models.verdicts.newsroom_language,
                help_text="The language the conclusion and explanation are written in.",
                max_length=8,
                verbose_name="language of the verdict",
            ),
        ),
        migrations.RunPython(take_the_claims_language, migrations.RunPython.noop),
    ]
