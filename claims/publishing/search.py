"""Full-text search over published verdicts.

PostgreSQL keeps a weighted, GIN-indexed ``tsvector`` per review (claim > conclusion >
explanation) built with accent-insensitive French or English configurations (migration 0005);
other databases, such as the demo's SQLite, fall back to a plain substring match.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

CONFIGS = ("factcheck_fr", "factcheck_en")

_REFRESH = """
UPDATE claims_review AS r SET search_vector =
    setweight(to_tsvector(cfg.name, c.text), 'A')
    || setweight(to_tsvector(cfg.name, r.conclusion), 'B')
    || setweight(to_tsvector(cfg.name, r.explanation), 'C')
FROM claims_claim AS c,
    LATERAL (SELECT (CASE WHEN c.language = 'en' THEN 'factcheck_en' ELSE 'factcheck_fr' END)
             ::regconfig AS name) AS cfg
WHERE c.id = r.claim_id AND {where}
"""


def uses_full_text_search():
    return connection.vendor == "postgresql"


def refresh_search_vectors(review_ids=None):
    """Rebuild the search vector of the given reviews (all published ones if None)."""
    if not uses_full_text_search():
        return 0
    with connection.cursor() as cursor:
        if review_ids is None:
            cursor.execute(_REFRESH.format(where="r.state = 'published'"))
        else:
            cursor.execute(_REFRESH.format(where="r.id = ANY(%s)"), [list(review_ids)])
        return cursor.rowcount


def search_reviews(reviews, text):
    """Filter ``reviews`` to those matching ``text``, best matches first."""
    text = text.strip()
    if not text:
        return reviews
    if not uses_full_text_search():
        return reviews.filter(
            Q(claim__text__icontains=text)
            | Q(conclusion__icontains=text)
            | Q(explanation__icontains=text)
        ).order_by("-published_at", "-id")
    # websearch syntax: quoted phrases, OR, -excluded, and never a syntax error for readers.
    query = SearchQuery(text, config=CONFIGS[0], search_type="websearch")
    query |= SearchQuery(text, config=CONFIGS[1], search_type="websearch")
    return (
        reviews.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-published_at", "-id")
    )
