"""Data migrations, run for real on the test database: back to the migration before, rows
written as they were then, forward again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_0013_gives_speakers_the_keys_of_every_script_and_keeps_clashing_ones():
    apps = migrate(("claims", "0012_review_synced_at"))
    try:
        Speaker = apps.get_model("claims", "Speaker")
        # Keys as 0012's normalize_name made them (letters outside a–z dropped).
        boeuf = Speaker.objects.create(name="Ève Bœuf", normalized_name="eve b uf")
        polish = Speaker.objects.create(name="Łukasz Nowak", normalized_name="ukasz nowak")
        Speaker.objects.create(name="Lukasz Nowak", normalized_name="lukasz nowak")
        same = Speaker.objects.create(name="Élisabeth Borne", normalized_name="elisabeth borne")
    finally:
        apps = migrate(("claims", "0013_speaker_names_in_every_script"))
    Speaker = apps.get_model("claims", "Speaker")
    keys = dict(Speaker.objects.values_list("pk", "normalized_name"))
    assert keys[boeuf.pk] == "eve boeuf"
    assert keys[polish.pk] == "ukasz nowak"  # « lukasz nowak » is another speaker's
    assert keys[same.pk] == "elisabeth borne"
