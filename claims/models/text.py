"""Text keys shared by the models: digests and normalized forms used for lookups."""

import hashlib
import re
import unicodedata

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Only web pages: the workers fetch these, and ftp:// or file:// have no place there.
web_url = URLValidator(schemes=["http", "https"])


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


def body_sha256(body):
    """Hex SHA-256 of an article body, the key that makes re-imports find the same article."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# Letters and digits of any script are kept; the rest (punctuation, symbols, "_") separates
# words. Latin letters that Unicode does not decompose are spelled as readers type them.
_NOT_A_WORD = re.compile(r"[\W_]+")
_LATIN_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})


def normalize_name(name):
    """Lookup key for a name: no accents, no case, no punctuation, single spaces; letters of
    every script kept (« Владимир Путин » has a key too)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    unaccented = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_A_WORD.sub(" ", unaccented.translate(_LATIN_LETTERS)).strip()


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
