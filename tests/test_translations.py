"""The French interface: every string translated, and the compiled catalogue up to date."""

import gettext
import re

from .conftest import PROJECT_DIR

LOCALE = PROJECT_DIR / "claims" / "locale"


def po_entries():
    text = (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text()
    entries = {}
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1))).replace('\\"', '"')
            value = "".join(re.findall(r'"(.*)"', msgstr.group(1))).replace('\\"', '"')
            if key:
                entries[key] = value
    return entries


def test_every_string_has_a_french_translation():
    assert "#, fuzzy" not in (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text()
    entries = po_entries()
    assert len(entries) > 90
    assert [key for key, value in entries.items() if not value] == []


def test_the_compiled_catalogue_matches_the_sources():
    catalogue = gettext.translation("django", localedir=LOCALE, languages=["fr"])
    for key, value in po_entries().items():
        assert catalogue.gettext(key) == value, key
