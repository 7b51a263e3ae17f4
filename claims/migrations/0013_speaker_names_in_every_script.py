"""Speakers' lookup keys keep letters of every script and spell œ, æ, ø, ł… as readers type
them (claims.models.text.normalize_name): recompute the keys of existing speakers."""

import logging

from django.db import migrations

from claims.models.text import normalize_name

logger = logging.getLogger(__name__)


def recompute_keys(apps, schema_editor):
    Speaker = apps.get_model("claims", "Speaker")
    rows = list(Speaker.objects.order_by("id").values_list("id", "kind", "name", "normalized_name"))
    taken = {(kind, key) for _id, kind, _name, key in rows}
    changed = []
    for pk, kind, name, key in rows:
        new_key = normalize_name(name)
        if not new_key or new_key == key:
            continue
        if (kind, new_key) in taken:
            # Two speakers the new key cannot tell apart (« Łukasz » and « Lukasz »): keep the
            # old key, for the newsroom to merge them.
            logger.warning("speaker %s keeps its key: %r is another speaker's", pk, new_key)
            continue
        taken.discard((kind, key))
        taken.add((kind, new_key))
        changed.append(Speaker(pk=pk, normalized_name=new_key))
    Speaker.objects.bulk_update(changed, ["normalized_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("claims", "0012_review_synced_at")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop)]
