"""Keys and checks shared by the models: digests, normalized forms used for lookups, validators."""

import hashlib
import unicodedata

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# Only web pages: the workers fetch these, and ftp:// or file:// have no place there.
web_url = URLValidator(schemes=["http", "https"])

# A news article's date. Year 1 in Paris is before year 1 in UTC: Python cannot show it, and
# every admin list with the article in it was a 500.
EARLIEST_YEAR, LATEST_YEAR = 1800, 2199


def plausible_date(value):
    """Refuse a date or datetime outside the years an article can have been published in."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


def body_sha256(body):
    """Hex SHA-256 of an article body, the key that makes re-imports find the same article."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# Latin letters that Unicode does not decompose, spelled as readers type them.
_LATIN_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})
# Scripts whose marks are accents readers leave out (é, ё, ά). Elsewhere a mark is part of the
# letter: Devanagari vowel signs, Japanese dakuten (ジ is not シ).
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def normalize_name(name):
    """Lookup key for a name: no accents, no case, no punctuation, single spaces; letters of
    every script kept (« Владимир Путин », « नरेंद्र मोदी » have keys too)."""
    kept = []
    for char in unicodedata.normalize("NFKD", name.casefold()):
        if unicodedata.category(char).startswith("M"):  # a mark, spacing or not
            if kept and unicodedata.name(kept[-1], "").startswith(_ACCENTED_SCRIPTS):
                continue  # an accent
            kept.append(char)
        elif char.isalnum():
            kept.append(char)
        elif kept and kept[-1] != " ":  # punctuation, symbols, spaces, "_" separate words
            kept.append(" ")
    text = unicodedata.normalize("NFC", "".join(kept)).translate(_LATIN_LETTERS)
    return text.strip()


def url_slug(text, fallback):
    """The readable part of a URL for ``text``, every script spelt in ASCII (« sœurs » →
    soeurs, « Зеленський » → zelenskiy); ``fallback`` where nothing is left."""
    # slugify alone drops what Unicode does not decompose to ASCII: « sœurs » became « surs »,
    # Cyrillic or Devanagari nothing at all.
    return slugify(anyascii(text))[:80].strip("-") or fallback


def normalize_claim_text(text):
    """Matching key for a claim: typography, case and spacing do not make a new claim."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_TYPOGRAPHY)
    return " ".join(text.split()).strip(" .!?…")


_TYPOGRAPHY = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "‘": "'",
        "\u00a0": " ",
        "\u202f": " ",
        "–": "-",
        "—": "-",
    }
)
