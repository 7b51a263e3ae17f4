"""review_published_idx gains the id (state, date, id): search reads its tiers' boundary from
the index alone. On PostgreSQL the new index is built CONCURRENTLY, so readers and publishers
are not locked out of claims_review while it builds (a few seconds at a million verdicts)."""

from django.db import migrations, models

OLD = models.Index(fields=["state", "-published_at"], name="review_published_idx")
NEW = models.Index(fields=["state", "-published_at", "-id"], name="review_published_idx")


def _replace(schema_editor, model, before, after, columns):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(model, before)
        schema_editor.add_index(model, after)
        return
    # Built beside the old one under a temporary name, then swapped in.
    for statement in (
        "DROP INDEX CONCURRENTLY IF EXISTS review_published_idx_next",  # a failed earlier try
        f"CREATE INDEX CONCURRENTLY review_published_idx_next ON claims_review ({columns})",
        "DROP INDEX CONCURRENTLY IF EXISTS review_published_idx",
        "ALTER INDEX review_published_idx_next RENAME TO review_published_idx",
    ):
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    review = apps.get_model("claims", "Review")
    _replace(schema_editor, review, OLD, NEW, "state, published_at DESC, id DESC")


def backwards(apps, schema_editor):
    review = apps.get_model("claims", "Review")
    _replace(schema_editor, review, NEW, OLD, "state, published_at DESC")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("claims", "0024_importjob_attempts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="review", name="review_published_idx"),
                migrations.AddIndex(model_name="review", index=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
