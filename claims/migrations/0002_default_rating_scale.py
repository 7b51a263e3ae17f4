"""Seed the default French rating scale. A higher value always means truer."""

from django.db import migrations

DEFAULT_SCALE = {"slug": "factcheck", "name": "Échelle factcheck"}

# (slug, French label, English label, value, colour, French definition, English definition)
DEFAULT_RATINGS = [
    (
        "vrai",
        "Vrai",
        "True",
        5,
        "#1a7f37",
        "L'affirmation est exacte et rien d'important ne manque.",
        "The claim is accurate and nothing significant is missing.",
    ),
    (
        "plutot-vrai",
        "Plutôt vrai",
        "Mostly true",
        4,
        "#58a55c",
        "L'affirmation est exacte pour l'essentiel mais demande une précision.",
        "The claim is accurate but needs clarification or additional information.",
    ),
    (
        "manque-de-contexte",
        "Manque de contexte",
        "Missing context",
        None,
        "#8250df",
        "L'affirmation peut induire en erreur faute d'un contexte indispensable.",
        "The claim may mislead without essential context.",
    ),
    (
        "trompeur",
        "Trompeur",
        "Misleading",
        3,
        "#d4a72c",
        "L'affirmation mêle des éléments exacts et inexacts, ou donne une impression fausse.",
        "The claim mixes accurate and inaccurate elements, or gives a false impression.",
    ),
    (
        "plutot-faux",
        "Plutôt faux",
        "Mostly false",
        2,
        "#e16f24",
        "L'affirmation contient une part de vérité mais ignore des faits importants.",
        "The claim contains an element of truth but ignores critical facts.",
    ),
    (
        "faux",
        "Faux",
        "False",
        1,
        "#cf222e",
        "L'affirmation est inexacte.",
        "The claim is inaccurate.",
    ),
    (
        "inverifiable",
        "Invérifiable",
        "Unverifiable",
        None,
        "#6e7781",
        "Les éléments disponibles ne permettent ni de confirmer ni d'infirmer l'affirmation.",
        "The available evidence can neither confirm nor refute the claim.",
    ),
]


def seed_default_scale(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    Rating = apps.get_model("claims", "Rating")
    scale, _ = RatingScale.objects.get_or_create(
        slug=DEFAULT_SCALE["slug"], defaults={"name": DEFAULT_SCALE["name"], "is_default": True}
    )
    for position, (slug, label_fr, label_en, value, colour, def_fr, def_en) in enumerate(
        DEFAULT_RATINGS, start=1
    ):
        Rating.objects.get_or_create(
            scale=scale,
            slug=slug,
            defaults={
                "label_fr": label_fr,
                "label_en": label_en,
                "value": value,
                "position": position,
                "colour": colour,
                "definition_fr": def_fr,
                "definition_en": def_en,
            },
        )


def remove_default_scale(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    RatingScale.objects.filter(slug=DEFAULT_SCALE["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(seed_default_scale, remove_default_scale)]
