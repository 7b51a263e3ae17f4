"""Trigram index for matching claims on PostgreSQL; other databases match in Python."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS claim_normalized_text_trgm "
    "ON claims_claim USING gin (normalized_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS claim_normalized_text_trgm"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_default_rating_scale")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
