"""factory_boy factories: the smallest valid rows, each overridable."""

import importlib
from datetime import timedelta

import factory
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from claims.models import (
    Article,
    Claim,
    ClaimAppearance,
    Correction,
    Rating,
    RatingScale,
    ReaderSubmission,
    Review,
    Source,
    SourceCheck,
    Speaker,
    body_sha256,
)
from claims.publishing import freshness


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"checker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


def role_group(name):
    """A newsroom group, which a migration creates; transactional tests flush it."""
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=name).exists():
        roles = importlib.import_module("claims.migrations.0011_newsroom_roles")
        roles.create_roles(django_apps, None)
    return Group.objects.get(name=name)


class FactCheckerFactory(UserFactory):
    """A staff member in the Fact-checker group."""

    username = factory.Sequence(lambda n: f"fact-checker{n}")
    is_staff = True

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.add(role_group("Fact-checker"))


class EditorFactory(FactCheckerFactory):
    """A staff member in the Editor group."""

    username = factory.Sequence(lambda n: f"editor{n}")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.add(role_group("Editor"))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article de test n°{n}")
    outlet = "AFP"
    language = "fr"
    body = factory.Sequence(
        lambda n: (
            f"Le chômage a baissé de {n} % en 2016, a déclaré le ministre.\n\n"
            f"Il a ajouté que la dette atteignait {n} milliards d'euros."
        )
    )
    body_sha256 = factory.LazyAttribute(lambda a: body_sha256(a.body))
    published_at = factory.LazyFunction(timezone.now)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Personne {n}")
    kind = Speaker.Kind.PERSON
    role = "ministre"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"Le chômage a baissé de {n} % en 2016.")
    language = "fr"
    speaker = factory.SubFactory(SpeakerFactory)
    check_worthiness = 0.8
    claim_type = Claim.Type.QUANTITY


class AppearanceFactory(factory.django.DjangoModelFactory):
    """An appearance whose span is the first sentence of its article's body."""

    class Meta:
        model = ClaimAppearance

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda a: a.article.body.index(",") if "," in a.article.body else 5)
    span_text = factory.LazyAttribute(lambda a: a.article.body[a.start : a.end])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    claim = factory.SubFactory(ClaimFactory)
    url = factory.Sequence(lambda n: f"https://www.insee.fr/fr/statistiques/{n}")
    title = factory.Sequence(lambda n: f"Statistiques n°{n}")
    kind = Source.Kind.OFFICIAL


class SourceCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceCheck

    source = factory.SubFactory(SourceFactory)
    state = SourceCheck.State.DONE
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda c: c.started_at)
    http_status = 200
    url = factory.LazyAttribute(lambda c: c.source.url)
    final_url = factory.LazyAttribute(lambda c: c.source.url)
    content_sha256 = "0" * 64


def default_rating(slug="faux"):
    """A rating of the default scale, which a migration seeds; transactional tests flush it."""
    if not Rating.objects.filter(scale__is_default=True).exists():
        seed = importlib.import_module("claims.migrations.0002_default_rating_scale")
        seed.seed_default_scale(django_apps, None)
    return Rating.objects.get(scale__is_default=True, slug=slug)


class RatingScaleFactory(factory.django.DjangoModelFactory):
    """A scale beside the default one, such as a newsroom's « Flip-O-Meter »."""

    class Meta:
        model = RatingScale

    slug = factory.Sequence(lambda n: f"echelle-{n}")
    name = factory.Sequence(lambda n: f"Échelle {n}")


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    scale = factory.SubFactory(RatingScaleFactory)
    slug = factory.Sequence(lambda n: f"note-{n}")
    label_fr = factory.Sequence(lambda n: f"Note {n}")
    label_en = factory.Sequence(lambda n: f"Rating {n}")
    definition_fr = "Une définition."
    definition_en = "A definition."


class ReviewFactory(factory.django.DjangoModelFactory):
    """A published review on the default scale."""

    class Meta:
        model = Review

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(default_rating)
    conclusion = "Le chiffre est faux."
    explanation = "Les données de l'Insee montrent le contraire."
    state = Review.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    review = factory.SubFactory(ReviewFactory)
    note = "Le chiffre de 2016 a été corrigé : 9,7 % et non 9,5 %."


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReaderSubmission

    text = "Le maire dit que la ville a planté 10 000 arbres en 2023."
    language = "fr"


def published_verdict(sources=1, appearances=1, corrections=0, **review_fields):
    """A published review with its sources, appearances in articles and corrections, as the
    database now holds it (adding a source moves the review's ``synced_at``)."""
    review = ReviewFactory(**review_fields)
    for _ in range(sources):
        SourceFactory(claim=review.claim)
    for _ in range(appearances):
        AppearanceFactory(claim=review.claim)
    for _ in range(corrections):
        CorrectionFactory(review=review)
    review.refresh_from_db()
    return review


def set_stamp(changed_at):
    """Date the public pages' last change, as this release and the earlier one keep it."""
    cache.set_many(
        {
            freshness.KEY: freshness._microseconds(changed_at),
            freshness.LEGACY_KEY: changed_at.isoformat(),
        },
        None,
    )


def set_public_version(changed_at, deployed_at=None):
    """Date the public pages' last change, and this release's start (by default the same)."""
    deployed_at = deployed_at or changed_at
    set_stamp(changed_at)
    cache.set(freshness.RELEASE_KEY, (freshness.release(), deployed_at.isoformat()), None)
    freshness.forget_public_version()


def settle_public_pages():
    """Date the public pages' last change two seconds back, as if nothing had changed since:
    pages only carry Last-Modified once their change's second is over (freshness.Version)."""
    set_public_version(timezone.now() - timedelta(seconds=2))


def a_second_back():
    """A time in a whole past second, 0.2 s into it: tests move the clock from there."""
    return timezone.now().replace(microsecond=200_000) - timedelta(seconds=5)


def add_sources(claim, *sources):
    """Sources without their background check: no worker here, and the queue is shared."""
    return Source.objects.bulk_create(SourceFactory.build(claim=claim, **s) for s in sources)


def newsroom():
    """A speaker with three verdicts, one with sources, the passage quoted and a correction."""
    speaker = SpeakerFactory(name="Élisabeth Borne", role="Première ministre")
    elections = published_verdict(
        sources=0,
        appearances=0,
        claim=ClaimFactory(
            speaker=speaker,
            text="La participation aux élections municipales de 2020 a été la plus faible "
            "depuis 1958.",
        ),
        rating=default_rating("vrai"),
        conclusion="Avec 41,6 % au second tour, c'est bien le record depuis 1958.",
        explanation="Selon **le ministère de l'Intérieur**, la participation était de 41,6 %.",
    )
    insee, _ = add_sources(
        elections.claim,
        {"title": "Résultats des élections municipales 2020", "kind": Source.Kind.OFFICIAL},
        {  # a long address and no title: the page must wrap it on a phone
            "title": "",
            "url": "https://www.data.gouv.fr/fr/datasets/elections-municipales-2020-resultats-"
            "du-second-tour-par-commune-et-par-bureau-de-vote-format-csv-utf8/",
        },
    )
    SourceCheckFactory(source=insee)
    article = ArticleFactory(
        title="Municipales : la participation en berne",
        body="La participation aux élections municipales de 2020 a été la plus faible depuis "
        "1958, a affirmé la Première ministre.\n\nElle s'exprimait devant le Sénat.",
    )
    AppearanceFactory(claim=elections.claim, article=article)
    CorrectionFactory(review=elections, note="Le taux du second tour est 41,6 % et non 41,3 %.")
    unemployment = published_verdict(
        sources=0,
        claim=ClaimFactory(speaker=speaker, text="Le chômage a baissé de 30 % en un an."),
        published_at=timezone.now() - timezone.timedelta(days=2),
    )
    debt = published_verdict(
        sources=0,
        claim=ClaimFactory(speaker=speaker, text="La dette publique a été divisée par deux."),
        rating=default_rating("plutot-vrai"),
        conclusion="Elle a baissé, mais d'un tiers seulement.",
        published_at=timezone.now() - timezone.timedelta(days=5),
    )
    return elections, unemployment, debt


def public_urls(language, review):
    """The public pages a reader meets around ``review``, by name, in ``language``."""
    with translation.override(language):
        return {
            "list": reverse("public:verdict-list"),
            "verdict": review.get_absolute_url(),
            "speaker": review.claim.speaker.get_absolute_url(),
            "methodology": reverse("public:methodology"),
            "submit": reverse("public:submit"),
        }
