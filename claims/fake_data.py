"""Plainly synthetic data for load tests and benchmarks: deterministic for a seed, bulk-inserted.

Every row is marked as fake: texts start with « [Données fictives sSEED] », speakers are
« Personne fictive … », and every URL lives under the reserved ``.invalid`` top-level
domain, which never resolves.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction

from .models import (
    Article,
    Claim,
    ClaimAppearance,
    Language,
    Rating,
    RatingScale,
    Review,
    Source,
    Speaker,
    body_sha256,
    normalize_claim_text,
    normalize_name,
)
from .publishing.search import refresh_search_vectors

FAKE_HOST = "fake-data.invalid"
CLAIMS_PER_ARTICLE = 8
CHUNK_SIZE = 10_000
BATCH_SIZE = 2_000
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)

_FR_TEMPLATES = [
    "Le chômage a baissé de {pct} % en {year}, selon le gouvernement.",
    "La dette publique atteint {big} milliards d'euros en {year}.",
    "Plus de {num} personnes ont manifesté le {day} {month_fr} {year}.",
    "Le budget de la santé a augmenté de {pct} % depuis {year}.",
    "La France a accueilli {num} réfugiés en {year}.",
]
_EN_TEMPLATES = [
    "Unemployment fell by {pct}% in {year}, the government said.",
    "Public debt reached {big} billion dollars in {year}.",
    "More than {num} people marched on {month_en} {day}, {year}.",
]
_MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August"]


@dataclass
class FakeDataSummary:
    seed: int
    published: int
    drafts: int
    speakers: int
    articles: int
    sources: int


class FakeDataExists(Exception):
    """Fake data for this seed is already in the database."""


def fake_url(seed, *parts):
    return "/".join([f"https://{FAKE_HOST}/s{seed}", *(str(p) for p in parts)])


def generate_fake_data(reviews, seed=0):
    """Insert exactly ``reviews`` published reviews (plus about 10% drafts) with their claims,
    speakers, article appearances and sources. Raises FakeDataExists for a seed already used.
    """
    if reviews < 0:
        raise ValueError("the number of reviews cannot be negative")
    rng = random.Random(seed)
    with transaction.atomic():
        if Article.objects.filter(url__startswith=fake_url(seed, "")).exists():
            raise FakeDataExists(f"fake data for seed {seed} already exists")
        ratings = list(Rating.objects.filter(scale__in=RatingScale.objects.filter(is_default=True)))
        if not ratings:
            raise ValueError("no default rating scale: run the migrations first")
        drafts = reviews // 10
        speakers = _create_speakers(rng, seed, max(1, (reviews + drafts) // 20))
        summary = FakeDataSummary(seed, reviews, drafts, len(speakers), 0, 0)
        # Drafts are spread among published reviews so every chunk looks like real work.
        states = [Review.State.PUBLISHED] * reviews + [Review.State.DRAFT] * drafts
        rng.shuffle(states)
        for offset in range(0, len(states), CHUNK_SIZE):
            articles, sources = _create_chunk(
                rng, seed, offset, states[offset : offset + CHUNK_SIZE], speakers, ratings
            )
            summary.articles += articles
            summary.sources += sources
    return summary


def _create_speakers(rng, seed, count):
    speakers = []
    for index in range(count):
        if rng.random() < 0.2:
            name, kind = f"Organisation fictive s{seed}-{index}", Speaker.Kind.ORGANISATION
        else:
            name, kind = f"Personne fictive s{seed}-{index}", Speaker.Kind.PERSON
        speakers.append(
            Speaker(
                name=name,
                normalized_name=normalize_name(name),
                kind=kind,
                role=rng.choice(["ministre fictif", "porte-parole fictif", "élu fictif", ""]),
            )
        )
    return Speaker.objects.bulk_create(speakers, batch_size=BATCH_SIZE)


def _claim_text(rng, seed, number, language):
    values = {
        "pct": rng.randint(1, 40),
        "year": rng.randint(2000, 2025),
        "big": rng.randint(100, 3000),
        "num": rng.randint(1_000, 900_000),
        "day": rng.randint(1, 28),
        "month_fr": rng.choice(_MONTHS_FR),
        "month_en": rng.choice(_MONTHS_EN),
    }
    templates = _EN_TEMPLATES if language == Language.ENGLISH else _FR_TEMPLATES
    return f"[Données fictives s{seed} n°{number}] " + rng.choice(templates).format(**values)


def _create_chunk(rng, seed, offset, states, speakers, ratings):
    claims, texts = [], []
    for index, _state in enumerate(states, start=offset):
        language = Language.ENGLISH if rng.random() < 0.2 else Language.FRENCH
        text = _claim_text(rng, seed, index, language)
        texts.append(text)
        claims.append(
            Claim(
                text=text,
                normalized_text=normalize_claim_text(text),
                language=language,
                speaker=rng.choice(speakers),
                check_worthiness=round(rng.random(), 3),
                claim_type=rng.choice(
                    [Claim.Type.QUANTITY, Claim.Type.EVENT, Claim.Type.STATEMENT]
                ),
                status=Claim.Status.PUBLISHED
                if _state == Review.State.PUBLISHED
                else Claim.Status.IN_REVIEW,
            )
        )
    Claim.objects.bulk_create(claims, batch_size=BATCH_SIZE)

    articles, appearances = [], []
    for start in range(0, len(claims), CLAIMS_PER_ARTICLE):
        group = claims[start : start + CLAIMS_PER_ARTICLE]
        number = (offset + start) // CLAIMS_PER_ARTICLE
        body = "\n\n".join(texts[start : start + CLAIMS_PER_ARTICLE])
        articles.append(
            Article(
                url=fake_url(seed, "article", number),
                title=f"[Données fictives s{seed}] Article n°{number}",
                outlet="Données fictives",
                published_at=EPOCH + timedelta(hours=rng.randint(0, 50_000)),
                language=group[0].language,
                body=body,
                body_sha256=body_sha256(body),
            )
        )
        position = 0
        for claim in group:
            appearances.append(
                ClaimAppearance(
                    claim=claim,
                    article=articles[-1],
                    start=position,
                    end=position + len(claim.text),
                    span_text=claim.text,
                )
            )
            position += len(claim.text) + 2
    Article.objects.bulk_create(articles, batch_size=BATCH_SIZE)
    ClaimAppearance.objects.bulk_create(appearances, batch_size=BATCH_SIZE)

    sources, reviews = [], []
    kinds = Source.Kind.values
    for index, (claim, state) in enumerate(zip(claims, states, strict=True), start=offset):
        for k in range(rng.randint(1, 3)):
            sources.append(
                Source(
                    claim=claim,
                    url=fake_url(seed, "source", index, k),
                    title=f"Source fictive {index}-{k}",
                    kind=rng.choice(kinds),
                )
            )
        published = state == Review.State.PUBLISHED
        rating = rng.choice(ratings)
        reviews.append(
            Review(
                claim=claim,
                rating=rating if published or rng.random() < 0.5 else None,
                conclusion=f"Conclusion fictive n°{index} : {rating.label_fr.lower()}.",
                explanation=f"Explication fictive n°{index}, générée pour les tests de charge.",
                language=Language.FRENCH,  # as the text above, whatever the claim's
                state=state,
                published_at=EPOCH + timedelta(minutes=rng.randint(0, 3_000_000))
                if published
                else None,
            )
        )
    Source.objects.bulk_create(sources, batch_size=BATCH_SIZE)
    Review.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
    # bulk_create skips the signals that keep search vectors in step.
    refresh_search_vectors([r.pk for r in reviews if r.state == Review.State.PUBLISHED])
    return len(articles), len(sources)
