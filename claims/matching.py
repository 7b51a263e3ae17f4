"""Find a claim already in the database before creating a new one.

Exact match on the normalized text first, then trigram similarity (PostgreSQL's pg_trgm,
index-backed) or rapidfuzz on other databases. Two claims whose figures differ are never
the same claim, however similar their wording.
"""

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from rapidfuzz import fuzz

from .models import Claim, normalize_claim_text

SIMILARITY = 0.7
_FIGURES = re.compile(r"\d+(?:[.,\s]\d+)*")


def figures(text):
    return [re.sub(r"\D", "", match) for match in _FIGURES.findall(text)]


def find_matching_claim(text, language):
    """The existing claim that says the same thing as ``text``, or None."""
    normalized = normalize_claim_text(text)
    exact = Claim.objects.filter(normalized_text=normalized, language=language).first()
    if exact:
        return exact
    wanted = figures(normalized)
    for candidate in _similar(normalized, language):
        if figures(candidate.normalized_text) == wanted:
            return candidate
    return None


def _similar(normalized, language):
    if connection.vendor == "postgresql":
        return list(
            Claim.objects.filter(language=language, normalized_text__trigram_similar=normalized)
            .annotate(similarity=TrigramSimilarity("normalized_text", normalized))
            .filter(similarity__gte=SIMILARITY)
            .order_by("-similarity", "id")[:5]
        )
    recent = Claim.objects.filter(language=language).order_by("-id")[:5000]
    scored = [
        (fuzz.ratio(normalized, claim.normalized_text) / 100, claim)
        for claim in recent.only("id", "normalized_text")
    ]
    return [claim for score, claim in sorted(scored, key=lambda s: -s[0]) if score >= SIMILARITY][
        :5
    ]
