"""The extraction pipeline: text in, sentences, quotes, entities, dates, numbers and scored
claims out, every offset indexing into the text."""

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from .attribution import Attributor
from .entities import PERSON, find_entities
from .nlp import SUPPORTED_LANGUAGES, detect_language, pipeline
from .numbers import find_numbers
from .scoring import DEFAULT_THRESHOLD, assess
from .sentences import paragraphs, split_sentences
from .spans import Spans
from .temporal import FUTURE, PAST, PRESENT, find_dates

_EN_PAST = re.compile(
    r"\b(?:\w+ed|met|won|beat|took|gave|made|was|were|had|did|went|came|began|"
    r"rose|fell|grew|drew|broke|became)\b",
    re.I,
)
_EN_FUTURE = re.compile(
    r"\b(?:will|would|'ll|is set to|are set to|next|plans? to|is expected to)\b", re.I
)


class ExtractionError(ValueError):
    """The text cannot be processed; the message says why in one line."""


@dataclass
class ClaimCandidate:
    start: int
    end: int
    text: str
    checkworthiness: float
    claim_type: str
    reasons: list
    speaker: object = None
    quote: object = None
    entities: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    numbers: list = field(default_factory=list)

    def as_dict(self):
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "checkworthiness": self.checkworthiness,
            "claim_type": self.claim_type,
            "reasons": self.reasons,
            "speaker": self.speaker.as_dict() if self.speaker else None,
            "quote": self.quote.as_dict() if self.quote else None,
            "entities": [e.as_dict() for e in self.entities],
            "dates": [d.as_dict() for d in self.dates],
            "numbers": [n.as_dict() for n in self.numbers],
        }


@dataclass
class Extraction:
    language: str
    text: str
    published: date | None
    title: str = ""
    sentences: list = field(default_factory=list)
    claims: list = field(default_factory=list)
    scored: list = field(default_factory=list)  # every sentence, claim-worthy or not
    quotes: list = field(default_factory=list)
    entities: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    numbers: list = field(default_factory=list)
    speakers: list = field(default_factory=list)

    def as_dict(self):
        return {
            "language": self.language,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "text": self.text,
            "sentences": [{"start": s.start, "end": s.end} for s in self.sentences],
            "claims": [c.as_dict() for c in self.claims],
            "quotes": [q.as_dict() for q in self.quotes],
            "entities": [e.as_dict() for e in self.entities],
        }


class _Tenses:
    """Verb tense near an offset, from spaCy's morphology (French) or cues (English)."""

    def __init__(self, text, doc, language, sentences):
        self.text, self.doc, self.language = text, doc, language
        self.sentence_starts = [s.start for s in sentences]
        self.sentences = sentences
        if doc is not None:
            self.verbs = [t for t in doc if t.pos_ in ("VERB", "AUX")]
            self.verb_offsets = [t.idx for t in self.verbs]

    def _verbs_in(self, start, end):
        first = bisect.bisect_left(self.verb_offsets, start)
        return self.verbs[first : bisect.bisect_left(self.verb_offsets, end)]

    def _sentence(self, offset):
        index = max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)
        return self.sentences[index] if self.sentences else None

    def at(self, offset):
        sentence = self._sentence(offset)
        if self.doc is None:
            return self._english_tense(offset, sentence)
        candidates = (
            self.verbs if sentence is None else self._verbs_in(sentence.start, sentence.end)
        )
        if not candidates:
            return PRESENT
        nearest = min(candidates, key=lambda verb: abs(verb.idx - offset))
        tense = nearest.morph.get("Tense")
        if "Fut" in tense:
            return FUTURE
        if nearest.morph.get("VerbForm") == ["Part"] or "Imp" in tense or "Past" in tense:
            return PAST
        # « a annoncé » : the auxiliary is present, the event past.
        following = nearest.doc[nearest.i + 1] if nearest.i + 1 < len(nearest.doc) else None
        if (
            nearest.pos_ == "AUX"
            and following is not None
            and following.morph.get("VerbForm") == ["Part"]
        ):
            return PAST
        return PRESENT

    def _english_tense(self, offset, sentence):
        """The nearer of a future cue (will, would, next) and a past-tense verb wins."""
        start = sentence.start if sentence else 0
        end = sentence.end if sentence else len(self.text)
        chunk = self.text[start:end]
        position = offset - start
        future = [abs(m.start() - position) for m in _EN_FUTURE.finditer(chunk)]
        past = [abs(m.start() - position) for m in _EN_PAST.finditer(chunk)]
        if future and (not past or min(future) < min(past)):
            return FUTURE
        return PAST

    def has_future(self, start, end):
        if self.doc is None:
            return bool(_EN_FUTURE.search(self.text[start:end]))
        return any("Fut" in verb.morph.get("Tense") for verb in self._verbs_in(start, end))

    def gender_at(self, offset):
        if self.doc is None:
            return ""
        token = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        if token is None or not len(token):
            return ""
        gender = token[0].morph.get("Gender")
        return {"Masc": "m", "Fem": "f"}.get(gender[0], "") if gender else ""


# About 50,000 words, ten times the longest news story: spaCy refuses a million characters,
# and its time grows faster than the text (about 9 s here: docs/extraction.md).
MAX_CHARACTERS = 300_000


def extract(text, *, language=None, published=None, title="", threshold=DEFAULT_THRESHOLD):
    """Run the whole extraction on ``text`` and return an Extraction."""
    if not text or not text.strip():
        raise ExtractionError("empty text, nothing to extract")
    if len(text) > MAX_CHARACTERS:
        raise ExtractionError(
            f"the text has {len(text):,} characters, more than the {MAX_CHARACTERS:,} an "
            "article may have: import the article itself, not a whole page or a collection"
        )
    language = language or detect_language(text)
    if language not in SUPPORTED_LANGUAGES:
        raise ExtractionError(
            f"language {language or 'unknown'!r} is not supported "
            f"({', '.join(SUPPORTED_LANGUAGES)}); pass --language to override"
        )
    doc = pipeline(language)(text) if language == "fr" else None
    sentences = split_sentences(text)
    tenses = _Tenses(text, doc, language, sentences)
    entities = find_entities(text, doc, language)
    dates = find_dates(text, published, language, tense_at=tenses.at)
    numbers = find_numbers(text, language, exclude=[(d.start, d.end) for d in dates])
    attributor = Attributor(text, entities, language, gender_at=tenses.gender_at)

    extraction = Extraction(language, text, published, title, sentences)
    extraction.entities, extraction.dates, extraction.numbers = entities, dates, numbers
    paragraph_spans = Spans(paragraphs(text))
    entity_spans, date_spans, number_spans = Spans(entities), Spans(dates), Spans(numbers)
    for sentence in sentences:
        paragraph = paragraph_spans.at(sentence.start)
        quotes = attributor.sentence_quotes(paragraph, sentence)
        extraction.quotes += quotes
        sentence_text = text[sentence.start : sentence.end]
        in_entities = entity_spans.within(sentence.start, sentence.end)
        in_dates = date_spans.within(sentence.start, sentence.end)
        in_numbers = number_spans.within(sentence.start, sentence.end)
        attributed = next((q for q in quotes if q.speaker), None)
        main_quote = (
            next((q for q in quotes if q.kind == "direct"), None)
            or next((q for q in quotes if q.kind == "indirect"), None)
            or (quotes[0] if quotes else None)
        )
        # What is asserted: a direct quote or a reported clause, not who said it.
        content = main_quote if main_quote and main_quote.kind != "partial" else sentence
        last = sentence_text.rstrip('"»” ')
        assessment = assess(
            # A line of a closing quote mark alone leaves nothing: no end mark to carry over.
            text[content.start : content.end] + (last[-1] if last and last[-1] in "?!" else ""),
            language=language,
            has_number=bool(number_spans.within(content.start, content.end)),
            has_date=bool(date_spans.within(content.start, content.end)),
            attributed=attributed is not None,
            has_entity=any(
                e.label != "other" for e in entity_spans.within(content.start, content.end)
            ),
            quote_only=bool(quotes),
            has_future=tenses.has_future(content.start, content.end),
            reporting_cues=[q.cue for q in quotes],
        )
        speaker = main_quote.speaker if main_quote else None
        candidate = ClaimCandidate(
            sentence.start,
            sentence.end,
            sentence_text,
            assessment.score,
            assessment.claim_type,
            assessment.reasons,
            speaker=speaker,
            quote=main_quote,
            entities=in_entities,
            dates=in_dates,
            numbers=in_numbers,
        )
        extraction.scored.append(candidate)
        if assessment.score >= threshold:
            extraction.claims.append(candidate)
    extraction.speakers = [s for s in attributor.registry.speakers]
    return extraction


def speaker_kind_is_person(speaker):
    return speaker is not None and speaker.kind == PERSON
