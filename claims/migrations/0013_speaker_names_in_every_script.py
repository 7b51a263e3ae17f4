"""Speakers' lookup keys keep the letters of every script and spell œ, æ, ø, ł… as readers type
them: recompute the keys of existing speakers (and, backwards, the keys the code before kept).

Both key functions are frozen here, so that replaying the migration later gives the same keys
whatever claims.models.text.normalize_name has become.
"""

import logging
import re
import unicodedata

from django.db import migrations

logger = logging.getLogger(__name__)

_OLD_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LATIN_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def old_key(name):
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _OLD_NON_ALNUM.sub(" ", ascii_only.casefold()).strip()


def new_key(name):
    kept = []
    for char in unicodedata.normalize("NFKD", name.casefold()):
        if unicodedata.category(char).startswith("M"):
            if kept and unicodedata.name(kept[-1], "").startswith(_ACCENTED_SCRIPTS):
                continue
            kept.append(char)
        elif char.isalnum():
            kept.append(char)
        elif kept and kept[-1] != " ":
            kept.append(" ")
    return unicodedata.normalize("NFC", "".join(kept)).translate(_LATIN_LETTERS).strip()


def rekey(apps, key):
    Speaker = apps.get_model("claims", "Speaker")
    speakers = Speaker.objects.order_by("id").values_list("id", "kind", "name", "normalized_name")
    taken = {(kind, current) for _pk, kind, _name, current in speakers.iterator(chunk_size=5000)}
    changes = {}
    for pk, kind, name, current in speakers.iterator(chunk_size=5000):
        wanted = key(name)
        if not wanted or wanted == current:
            continue
        if (kind, wanted) in taken:
            # Two speakers the key cannot tell apart (« Łukasz » and « Lukasz »): this one keeps
            # its key until the newsroom merges them.
            logger.warning("speaker %s keeps the key %r: %r is another's", pk, current, wanted)
            continue
        taken.discard((kind, current))
        taken.add((kind, wanted))
        changes[pk] = wanted
    # Two passes: one UPDATE may give a row the key another row of it gives up, and PostgreSQL
    # checks uniqueness row by row.
    ids = list(changes)
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        Speaker.objects.bulk_update(
            [Speaker(pk=pk, normalized_name=f"\x01{pk}") for pk in batch], ["normalized_name"]
        )
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        Speaker.objects.bulk_update(
            [Speaker(pk=pk, normalized_name=changes[pk]) for pk in batch], ["normalized_name"]
        )


def forwards(apps, schema_editor):
    rekey(apps, new_key)


def backwards(apps, schema_editor):
    rekey(apps, old_key)


class Migration(migrations.Migration):
    dependencies = [("claims", "0012_review_synced_at")]

    operations = [migrations.RunPython(forwards, backwards)]
