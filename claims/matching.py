"""Find a claim already in the database before creating a new one.

Exact match on the normalized text first, then trigram similarity (PostgreSQL's pg_trgm,
index-backed) or rapidfuzz on other databases. Two claims whose figures, negations or
direction (a rise against a fall) differ are never the same claim, however similar their
wording: merging them would hang one claim's verdict on the other.
"""

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from rapidfuzz import fuzz

from .checking.misquotes import figures_in, negations_in
from .models import Claim, normalize_claim_text

SIMILARITY = 0.7
# Word stems that say which way a figure moved, in French and English.
_RISE = re.compile(r"\b(?:hauss|augment|progress|grimp|increas|rise|rose|risen|grew|grow)\w*")
_FALL = re.compile(r"\b(?:baiss|diminu|recul|chut|decreas|declin|fall|fell|drop)\w*")


def figures(text):
    """The figures ``text`` states, as values (« 7,1 % » is not « 71 % »)."""
    return figures_in(text)


def meaning_key(normalized):
    """What must be equal for two similar wordings to be one claim."""
    rises, falls = len(_RISE.findall(normalized)), len(_FALL.findall(normalized))
    return figures(normalized), negations_in(normalized), rises, falls


def find_matching_claim(text, language):
    """The existing claim that says the same thing as ``text``, or None."""
    normalized = normalize_claim_text(text)
    exact = Claim.objects.filter(normalized_text=normalized, language=language).first()
    if exact:
        return exact
    wanted = meaning_key(normalized)
    for candidate in _similar(normalized, language):
        if meaning_key(candidate.normalized_text) == wanted:
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
