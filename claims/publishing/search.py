"""Full-text search over published verdicts.

PostgreSQL keeps a weighted ``tsvector`` per review (claim > conclusion > explanation) built with
accent-insensitive French or English configurations (migration 0005), in a RUM index where the
``rum`` extension is installed and a GIN index otherwise (migration 0009). Results come best
first, the newest verdicts before older ones (``RECENT``). Other databases, such as the demo's
SQLite, fall back to matching every word as a substring, ignoring case and accents.
"""

import datetime
import re
import unicodedata

from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Func, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_migrate
from django.dispatch import receiver

CONFIGS = ("factcheck_fr", "factcheck_en")
RUM_INDEX = "review_search_vector_rum"

# Ranking every match costs time in proportion to their number (about 1.4 µs each with RUM, 6 µs
# with ts_rank here): a common word among a million verdicts matches 160,000 of them. So matches
# are ranked in two tiers. The first holds the RECENT newest verdicts of the list being searched,
# read in bounded time whatever the query; the older matches follow, ranked too, and are only
# looked at when the first tier holds less than the rows asked for (a rare word, a deep page).
RECENT = 5000

# websearch syntax (quoted phrases, OR, -excluded): nothing a reader types is a syntax error.
# Both configurations, as a claim is stemmed in its own language.
_TSQUERY = (
    f"(websearch_to_tsquery('{CONFIGS[0]}'::regconfig, %s)"
    f" || websearch_to_tsquery('{CONFIGS[1]}'::regconfig, %s))"
)
# Where nothing is older than the first tier: before any verdict.
_BEFORE_ALL = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)

# The claim is stemmed in its language, the verdict's text in the verdict's (a French verdict
# on an English claim); queries are parsed in both (SEARCH_QUERY), so either matches.
_REFRESH = """
UPDATE claims_review AS r SET search_vector =
    setweight(to_tsvector({claim_config}, c.text), 'A')
    || setweight(to_tsvector({review_config}, r.conclusion), 'B')
    || setweight(to_tsvector({review_config}, r.explanation), 'C')
FROM claims_claim AS c
WHERE c.id = r.claim_id AND {where}
"""
_CONFIG_OF = "(CASE WHEN {}.language = 'en' THEN 'factcheck_en' ELSE 'factcheck_fr' END)::regconfig"


def _refresh(where):
    return _REFRESH.format(
        claim_config=_CONFIG_OF.format("c"), review_config=_CONFIG_OF.format("r"), where=where
    )


def uses_full_text_search():
    return connection.vendor == "postgresql"


def refresh_search_vectors(review_ids=None):
    """Rebuild the search vector of the given reviews (all published ones if None)."""
    if not uses_full_text_search():
        return 0
    with connection.cursor() as cursor:
        if review_ids is None:
            cursor.execute(_refresh(where="r.state = 'published'"))
        else:
            cursor.execute(_refresh(where="r.id = ANY(%s)"), [list(review_ids)])
        return cursor.rowcount


# Whether each database has the RUM index, looked up once per process and database (and again
# after migrations, which is also when a test database gets it).
_rum_index = {}


def _database_key(conn):
    return conn.alias, conn.settings_dict["NAME"]


def _look_up_rum_index(conn):
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relname = %s AND i.indisvalid AND pg_table_is_visible(c.oid))",
            [RUM_INDEX],
        )
        _rum_index[_database_key(conn)] = cursor.fetchone()[0]


def has_rum_index():
    """Whether search can rank with the RUM index (migration 0009 made it)."""
    if _database_key(connection) not in _rum_index:
        _look_up_rum_index(connection)
    return _rum_index[_database_key(connection)]


def _after_migrate(sender, using, **kwargs):
    conn = connections[using]
    if sender.name == "claims" and conn.vendor == "postgresql":
        _look_up_rum_index(conn)


post_migrate.connect(_after_migrate, dispatch_uid="claims.search.rum_index")


# A "-" excludes the word after it. One before no word (« - - - x », « --- ») means nothing, and
# PostgreSQL nests them: 33 in a row fail with "tsquery stack too small".
_DANGLING_MINUS = re.compile(r"-(?![\w\"«“])")


def search_reviews(reviews, text):
    """Filter ``reviews`` to those matching ``text``, best matches first."""
    text = _DANGLING_MINUS.sub(" ", text).strip()
    if not text:
        return reviews
    if not uses_full_text_search():
        return matching_substrings(reviews, text)
    if has_rum_index():
        return ranked_by_rum(reviews, text)
    return ranked_by_ts_rank(reviews, text)


def matching_substrings(reviews, text):
    """The fallback for databases without full-text search (the demo's SQLite): every word or
    "quoted phrase" (or either of two joined by ``or``) in the claim, conclusion or
    explanation, ignoring case and accents, none of the ``-excluded`` ones; newest first."""
    reviews = reviews.annotate(
        _folded_claim=Fold("claim__text"),
        _folded_conclusion=Fold("conclusion"),
        _folded_explanation=Fold("explanation"),
    )
    required, excluded, either = [], [], False
    for phrase, word in _TERMS.findall(fold(text)):
        if not phrase and word == "or":
            either = bool(required)
            continue
        term = phrase or word
        if not phrase and term.startswith("-") and len(term) > 1:
            excluded.append(_anywhere(term[1:]))
        elif either:
            required[-1] |= _anywhere(term)
        else:
            required.append(_anywhere(term))
        either = False
    for found in required:
        reviews = reviews.filter(found)
    for found in excluded:
        reviews = reviews.exclude(found)
    return reviews.order_by("-published_at", "-id")


def _anywhere(term):
    return (
        Q(_folded_claim__contains=term)
        | Q(_folded_conclusion__contains=term)
        | Q(_folded_explanation__contains=term)
    )


_TERMS = re.compile(r'"([^"]+)"|([^\s"]+)')


def fold(text):
    """``text`` in lower case without accents: « États » finds « etats », as on PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Fold(Func):
    """``fold()`` in SQL, on SQLite only (registered on every new connection below)."""

    function = "factcheck_fold"
    output_field = TextField()


@receiver(connection_created)
def _teach_sqlite_to_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            Fold.function,
            1,
            lambda value: None if value is None else fold(value),
            deterministic=True,
        )


def ranked_by_rum(reviews, text):
    """Matches ranked by RUM's ``<=>`` distance (cover density, A > B > C), from the index."""
    return RankedSearch(reviews, text, "{vector} <=> " + _TSQUERY)


def ranked_by_ts_rank(reviews, text):
    """Matches ranked by ``ts_rank`` (A > B > C), for databases without the rum extension."""
    return RankedSearch(reviews, text, "-ts_rank({vector}, " + _TSQUERY + ")")


def _raw(sql, params, output_field=None):
    """SQL put together here from constants and Django's compiled queries; every value that
    comes from a reader or the database is a parameter."""
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611


class RankedSearch:
    """Search results, lower distance first, fetched one slice at a time in one query.

    Order: the first tier (the RECENT newest verdicts of ``reviews``) before older ones, then
    distance, then newest first. A slice asks the database for the rows it needs only.
    """

    def __init__(self, reviews, text, distance):
        self.reviews = reviews
        self.text = text
        self.distance = distance  # SQL with a {vector} placeholder and the query's parameters
        self._cutoff_at = None

    def _distance(self, vector):
        return self.distance.format(vector=vector), [self.text, self.text]

    def _matches(self, reviews):
        return reviews.filter(
            _raw(f"claims_review.search_vector @@ {_TSQUERY}", [self.text] * 2, BooleanField())
        )

    def _cutoff(self):
        """(publication date, id) of the RECENT-th newest verdict: it and newer ones are the
        first tier, the rest the second. With the id, verdicts sharing the cutoff's date (a
        bulk import) fall in one tier or the other, never between the two.

        Read once, before the search query, so that the planner sees the date: as a subquery
        its selectivity was a guess (a third of the table), and at 1,000,000 verdicts PostgreSQL
        ANDed the text index's two matches of a rare word with a scan of the date index over
        every older verdict, 52 ms (docs/benchmarks.md, "Search").
        """
        if self._cutoff_at is None:
            newest = self.reviews.order_by("-published_at", "-id").values_list("published_at", "id")
            self._cutoff_at = next(iter(newest[RECENT - 1 : RECENT]), None) or (_BEFORE_ALL, 0)
        return self._cutoff_at

    def _recent(self, reviews):
        published_at, pk = self._cutoff()
        return reviews.filter(published_at__gte=published_at).exclude(
            published_at=published_at, id__lt=pk
        )

    def _older(self, reviews):
        published_at, pk = self._cutoff()
        return reviews.filter(published_at__lte=published_at).exclude(
            published_at=published_at, id__gte=pk
        )

    def _ordered(self, reviews):
        distance_sql, params = self._distance("claims_review.search_vector")
        published_at, pk = self._cutoff()
        older = Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=pk)
        return reviews.annotate(
            search_older=ExpressionWrapper(older, output_field=BooleanField()),
            search_distance=_raw(distance_sql, params, FloatField()),
        ).order_by("search_older", "search_distance", "-published_at", "-id")

    def _ids_sql(self, rows):
        """SQL for the ids of at least the first ``rows`` results (in no particular order)."""
        # The first tier: walk the newest verdicts, then match and rank them. The LIMIT keeps
        # the planner from matching through the text index first, which would read every match.
        fence_sql, fence_params = (
            self._recent(self.reviews)
            .order_by("-published_at", "-id")
            .values("id", "published_at", "search_vector")[: 2 * RECENT]
            .query.sql_with_params()
        )
        distance_sql, distance_params = self._distance("w.search_vector")
        recent = (
            f"SELECT w.id FROM ({fence_sql}) w WHERE w.search_vector @@ {_TSQUERY}"  # noqa: S608
            f" ORDER BY {distance_sql}, w.published_at DESC, w.id DESC LIMIT %s"
        )
        recent_params = [*fence_params, self.text, self.text, *distance_params, rows]
        # Older matches, in the final order (ties in rank are the rule: a word met once in the
        # claim scores the same in every claim), so that every page finds the same rows. The RUM
        # index returns them by distance, the sort breaks the ties.
        older = self._matches(self._older(self.reviews))
        distance_sql, distance_params = self._distance("claims_review.search_vector")
        older = older.annotate(
            search_distance=_raw(distance_sql, distance_params, FloatField())
        ).order_by("search_distance", "-published_at", "-id")
        older_sql, older_params = older.values("id")[:rows].query.sql_with_params()
        # Only run when the first tier falls short (a one-time filter in the plan).
        sql = (
            f"WITH recent AS MATERIALIZED ({recent}) SELECT id FROM recent UNION ALL"  # noqa: S608
            f" SELECT id FROM ({older_sql}) o WHERE (SELECT count(*) FROM recent) < %s"
        )
        return sql, [*recent_params, *older_params, rows]

    def queryset(self, start=0, stop=None):
        """The results from ``start`` to ``stop`` as a queryset (all of them when stop is None)."""
        if stop is None:  # every match: rank them all
            return self._ordered(self._matches(self.reviews))[start:]
        sql, params = self._ids_sql(stop)
        return self._ordered(self.reviews.filter(pk__in=_raw(sql, params)))[start:stop]

    def __getitem__(self, key):
        """A slice is a queryset, like a queryset's, for lists, pages and EXPLAIN."""
        if isinstance(key, int):
            return self.queryset(key, key + 1)[0]
        if key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise ValueError("search results take slices from the start, without a step")
        return self.queryset(key.start or 0, key.stop)

    def __iter__(self):
        return iter(self.queryset())

    def count(self):
        """Every match, for benchmarks (the pages never count)."""
        return self._matches(self.reviews).count()
