"""The sync feed: published reviews and tombstones, in (synced_at, id) order, keyset-paged.

``synced_at`` moves whenever what a partner receives for a review changes: the review itself,
or its claim, speaker, sources, appearances, rating or corrections (claims.signals).
A partner resumes from the last (synced_at, id) it saw. A row whose ``synced_at`` was taken
inside a transaction that commits late would land behind such a cursor and be missed, so the
feed only serves rows older than a *horizon* that no uncommitted change can fall behind: the
start of the oldest transaction now writing to the database, or now when none is, minus
``API_SYNC_SAFETY_LAG`` (clock skew between servers, the instant between taking a timestamp
and writing it or beginning its transaction). docs/api.md tells partners the protocol.
"""

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, CharField, F, Prefetch, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import ClaimAppearance, Correction, Review, Source, Tombstone
from ..publishing.verdicts import published_reviews

LIVE, UNPUBLISHED, DELETED = "live", "unpublished", "deleted"

# Transactions of this database that hold a transaction id have written something and may
# still commit rows stamped with any time since they began.
# The lag applies to both: psycopg sends BEGIN with a transaction's first statement, so a
# timestamp taken in Python inside ``atomic()`` can be earlier than the transaction's start.
_HORIZON_SQL = """
SELECT LEAST(
    clock_timestamp(),
    (SELECT min(xact_start) FROM pg_stat_activity
     WHERE datname = current_database() AND backend_xid IS NOT NULL
       AND pid <> pg_backend_pid())
) - make_interval(secs => %s)
"""


def move_in_feed(reviews):
    """Put these reviews, if published, at the end of the partner feed: what partners receive
    for them changed through a related row (their claim, speaker, a source…)."""
    return reviews.filter(state=Review.State.PUBLISHED).update(synced_at=timezone.now())


def sync_horizon():
    """The instant before which every change has committed: the feed serves nothing newer."""
    lag = settings.API_SYNC_SAFETY_LAG
    if connection.vendor != "postgresql":  # the demo's SQLite has one writer at a time
        return timezone.now() - timedelta(seconds=lag)
    with connection.cursor() as cursor:
        cursor.execute(_HORIZON_SQL, [lag])
        return cursor.fetchone()[0]


class InvalidCursor(ValueError):
    pass


def encode_cursor(synced_at, pk):
    raw = f"{synced_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token):
    """``(synced_at, id)`` from an opaque cursor; InvalidCursor if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, pk = raw.split("|")
        synced_at = datetime.fromisoformat(stamp)
        if synced_at.tzinfo is None:
            raise ValueError("naive")
        # In UTC, as we make them: PostgreSQL refuses offsets beyond ±15:59 that Python takes.
        return synced_at.astimezone(UTC), int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(token) from exc


def _after(model, time_field, id_field, stamp, pk):
    """``(time, id) > (stamp, pk)`` as one row comparison, which PostgreSQL reads as a range of
    the (time, id) index: the scan starts at the cursor. The equivalent ``time > stamp OR
    (time = stamp AND id > pk)`` is only a filter, so every page scanned the index from the
    start of the feed: 35 ms a page halfway through 100,000 verdicts, and a full sync grew with
    the square of the feed (docs/benchmarks.md, "Partner API"). SQLite (the demo) has row
    values since 3.15."""
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    time_column = connection.ops.quote_name(meta.get_field(time_field).column)
    id_column = connection.ops.quote_name(meta.get_field(id_field).column)
    # Only quoted names from the model's metadata go into the SQL; the values are parameters.
    return RawSQL(  # noqa: S611
        f"({table}.{time_column}, {table}.{id_column}) > (%s, %s)",
        (stamp, pk),
        output_field=BooleanField(),
    )


@dataclass
class SyncPage:
    entries: list  # (id, synced_at or deleted_at, kind), oldest first
    has_more: bool
    cursor: tuple | None  # where the next page starts: (synced_at, id)
    horizon: datetime  # nothing changed since then is in this page


def sync_page(live, size, after=None, since=None, before=None):
    """The next ``size`` entries after ``after``: ``live`` reviews, unpublished and deleted ones.

    Tombstones are never filtered but by time: a deleted row has nothing left to filter on.
    """
    horizon = sync_horizon()

    def window(queryset, time_field, id_field, kind):
        queryset = queryset.filter(**{f"{time_field}__lt": horizon})
        if since is not None:
            queryset = queryset.filter(**{f"{time_field}__gte": since})
        if before is not None:
            queryset = queryset.filter(**{f"{time_field}__lt": before})
        if after is not None:
            queryset = queryset.filter(_after(queryset.model, time_field, id_field, *after))
        # Each part stops at size + 1 rows along its own (time, id) index.
        return (
            queryset.annotate(kind=Value(kind, output_field=CharField()))
            .values_list(id_field, time_field, "kind")
            .order_by(time_field, id_field)[: size + 1]
        )

    parts = [
        window(live.order_by(), "synced_at", "id", LIVE),
        window(
            Review.objects.filter(state=Review.State.UNPUBLISHED), "synced_at", "id", UNPUBLISHED
        ),
        window(Tombstone.objects.all(), "deleted_at", "review_id", DELETED),
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(parts[0].union(*parts[1:], all=True).order_by("synced_at", "id")[: size + 1])
    else:  # SQLite (the demo) cannot limit the parts of a UNION: merge them here instead
        rows = sorted((row for part in parts for row in part), key=lambda row: (row[1], row[0]))
        rows = rows[: size + 1]
    has_more = len(rows) > size
    rows = rows[:size]
    cursor = (rows[-1][1], rows[-1][0]) if rows else after
    return SyncPage(entries=rows, has_more=has_more, cursor=cursor, horizon=horizon)


def _appearances():
    return (
        ClaimAppearance.objects.select_related("article")
        # Article bodies are large and the API does not show them.
        .defer("article__body", "annotations", "span_text")
        .order_by(F("article__published_at").asc(nulls_last=True), "id")
    )


def claim_review_reviews():
    """Published reviews with what their ClaimReview needs but the appearances
    (``appearances_by_claim``), in one query."""
    return (
        published_reviews()
        .select_related("claim__speaker", "rating")
        .defer("search_vector", "explanation", "claim__checkworthiness_reasons")
    )


def appearances_by_claim(claim_ids):
    """``{claim id: [its appearances with their article, oldest first]}``, in one query.

    Rather than ``prefetch_related``, which clones a queryset for every review it fills: a
    third of the DataFeed's time (docs/benchmarks.md, "Partner API").
    """
    appearances = defaultdict(list)
    for appearance in _appearances().filter(claim_id__in=claim_ids):
        appearances[appearance.claim_id].append(appearance)
    return appearances


def feed_reviews():
    """Published reviews with everything the API shows, in four queries."""
    return (
        published_reviews()
        .select_related("claim__speaker", "rating")
        .defer("search_vector", "claim__checkworthiness_reasons")
        .prefetch_related(
            Prefetch("claim__appearances", queryset=_appearances()),
            Prefetch("claim__sources", queryset=Source.objects.order_by("added_at", "id")),
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "id")),
        )
    )
