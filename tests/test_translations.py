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
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1))).replace('\\"', '"')
            value = "".join(re.findall(r'"(.*)"', msgstr.group(1))).replace('\\"', '"')
            if key:  # the same msgid may have several contexts (msgctxt)
                entries[(context.group(1) if context else None, key)] = value
    return entries


def test_every_string_has_a_french_translation():
    assert "#, fuzzy" not in (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text()
    entries = po_entries()
    assert len(entries) > 90
    assert [key for key, value in entries.items() if not value] == []
    assert entries[(None, "Published")] == "Publiée"  # a review, in the admin
    assert entries[("date of a verdict", "Published")] == "Publié"


def test_the_compiled_catalogue_matches_the_sources():
    catalogue = gettext.translation("django", localedir=LOCALE, languages=["fr"])
    for (context, key), value in po_entries().items():
        if context is None:
            assert catalogue.gettext(key) == value, key
        else:
            assert catalogue.pgettext(context, key) == value, (context, key)
