"""Search vectors in a RUM index where the rum extension is available, else the GIN index stays.

RUM keeps each lexeme's positions and weights in the index, so matching and ranking by
``search_vector <=> query`` read the index instead of every matching row's vector
(claims/publishing/search.py). Without the extension (it is a separate package:
``postgresql-<version>-rum``) search keeps the GIN index of migration 0005 and ranks with
``ts_rank``; the migration says which, and installing the package later then running the SQL of
``use_rum`` switches (docs/public-pages.md, "Search"). No model state changes: the indexes are
PostgreSQL's own, like the GIN index before them.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

RUM_INDEX = "review_search_vector_rum"
GIN_INDEX = "review_search_vector_gin"


def rum_available(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
        return cursor.fetchone()[0]


def use_rum(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    if not rum_available(connection):
        logger.warning(
            "search: the rum extension is not installed (package postgresql-<version>-rum);"
            " search keeps the GIN index and ts_rank"
        )
        return
    try:
        # A savepoint: without the right to create the extension, the GIN index stays.
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    except DatabaseError as error:
        logger.warning("search: cannot create the rum extension (%s); search keeps GIN", error)
        return
    # The RUM index answers @@ too, so the GIN index would only slow writes down.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} "
        "ON claims_review USING rum (search_vector rum_tsvector_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    logger.info("search: verdicts are indexed with RUM (%s)", RUM_INDEX)


def use_gin(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON claims_review USING gin (search_vector)"
    )
    # The extension stays, as unaccent does when 0005 is reversed: something else may use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {RUM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_webhooks"),
    ]

    operations = [
        migrations.RunPython(use_rum, use_gin, elidable=False),
    ]
