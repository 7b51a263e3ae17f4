"""Quotations and who said them.

Direct quotes (« … », “ … ”, and AFP's straight "…" paired within a paragraph), partial
quotes inside a sentence, and indirect speech (« Il a souligné que … »), each attributed
to a speaker: an incise after the quote (« a déclaré le général H.R. McMaster »,
« a-t-il expliqué »), « selon X », or the subject before the reporting verb. Pronouns
resolve to the nearest earlier speaker that fits.
"""

import re
from dataclasses import dataclass

from .entities import ORGANISATION, PERSON
from .reporting import ACCORDING_TO, FR_INVERTED_PRONOUN, reporting_pattern
from .sentences import quoted_ranges
from .spans import Spans
from .speakers import SpeakerMention, SpeakerRegistry
from .subjects import SpeakerFinder

# A short phrase of time or place before the comma sets the scene of the sentence; it is no
# reported clause (« Pendant la campagne électorale, Donald Trump avait promis… »).
_FRONTED = re.compile(
    r"\s*(?:pendant|durant|lors|après|avant|depuis|dès|dans|en|au|aux|à|sur|sous|pour|malgré|"
    r"outre|hier|during|after|before|since|in|on|at|for|despite|yesterday)\b"
    r"(?:\s+[\w'’-]+){0,5}\s*$",
    re.IGNORECASE,
)


@dataclass
class Quote:
    start: int
    end: int
    text: str
    kind: str  # direct, partial or indirect
    cue: str = ""
    speaker: SpeakerMention | None = None

    def as_dict(self):
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "cue": self.cue,
            "speaker": self.speaker.as_dict() if self.speaker else None,
        }


class Attributor:
    """Finds quotes in sentences and attributes them, keeping the document's context."""

    def __init__(self, text, entities, language="fr", gender_at=None):
        self.text = text
        self.language = language
        self.entities = Spans(e for e in entities if e.label in (PERSON, ORGANISATION))
        self.gender_at = gender_at or (lambda offset: "")
        self.registry = SpeakerRegistry(e.text for e in self.entities if e.label == PERSON)
        self.reporting = reporting_pattern(language)
        self.speakers = SpeakerFinder(text, self.entities, self.registry, language, self.gender_at)
        self.previous_quote_speaker = None

    def sentence_quotes(self, paragraph, sentence):
        """Quotes of one sentence, attributed; ``paragraph`` and ``sentence`` are spans."""
        text = self.text
        ranges = [
            (a, b)
            for a, b in quoted_ranges(text, paragraph.start, paragraph.end)
            if sentence.start <= a and b <= sentence.end
        ]
        quotes = []
        for opened, closed in ranges:
            inner_start, inner_end = opened + 1, closed - 1
            while inner_start < inner_end and text[inner_start] in " \u00a0\u202f":
                inner_start += 1
            while inner_end > inner_start and text[inner_end - 1] in " \u00a0\u202f":
                inner_end -= 1
            # A comma or period just inside the closing mark belongs to the sentence.
            ellipsis = text[max(inner_start, inner_end - 3) : inner_end].endswith("..")
            if inner_end - inner_start > 1 and text[inner_end - 1] in ",." and not ellipsis:
                inner_end -= 1
            if inner_start >= inner_end:
                continue
            before = text[sentence.start : opened].rstrip()
            kind = "direct" if not before or before.endswith(":") else "partial"
            quote = Quote(inner_start, inner_end, text[inner_start:inner_end], kind)
            self._attribute_quote(quote, sentence, opened, closed)
            quotes.append(quote)
        quotes += self._indirect_speech(sentence, ranges)
        if not any(q.kind in ("direct", "indirect") for q in quotes):
            reported = self._reported_clause(sentence, ranges)
            if reported:
                quotes.append(reported)
        quotes.sort(key=lambda q: q.start)
        for quote in quotes:
            self.registry.note(quote.speaker)
        direct = [q for q in quotes if q.kind == "direct"]
        if direct:
            self.previous_quote_speaker = direct[-1].speaker
        elif quotes:
            self.previous_quote_speaker = quotes[-1].speaker
        else:
            self.previous_quote_speaker = None
        return quotes

    def _attribute_quote(self, quote, sentence, opened, closed):
        text = self.text
        tail = text[closed : sentence.end]
        # 1. An incise right after the quote: « ", a déclaré X » or « ", a-t-il expliqué »;
        # in English the comma sits inside the marks: “…,” said X.
        inner_comma = text[max(opened, closed - 3) : closed].rstrip("\"»”' ").endswith((",", "—"))
        if re.match(r"^\s*[,—–-]", tail) or (inner_comma and tail.strip()):
            incise_start = closed + re.match(r"^\s*[,—–-]?\s*", tail).end()
            pronoun = FR_INVERTED_PRONOUN.match(text, incise_start, sentence.end)
            if pronoun and self.language == "fr":
                quote.cue = pronoun.group(0).strip()
                quote.speaker = self.registry.pronoun(pronoun.group("pronoun"))
                return
            verb = self.reporting.match(text, incise_start, sentence.end)
            if verb:
                quote.cue = verb.group(0)
                after = verb.end()
                pronoun = re.match(r"\s+(he|she|they)\b", text[after : sentence.end], re.I)
                if pronoun:
                    quote.speaker = self.registry.pronoun(pronoun.group(1))
                else:
                    quote.speaker = self.speakers.after(after, sentence.end)
                if quote.speaker:
                    return
            according = ACCORDING_TO.match(text, incise_start, sentence.end)
            if according:
                quote.cue = according.group(0).strip()
                quote.speaker = self.speakers.after(according.end(), sentence.end)
                if quote.speaker:
                    return
            subject_first = re.match(
                r"\s*(?P<subject>[^,.;]+?)\s+", text[incise_start : sentence.end]
            )
            if subject_first:  # « ", X a-t-il dit » / "", the minister said"
                verb = self.reporting.search(text, incise_start, sentence.end)
                if verb:
                    quote.cue = verb.group(0)
                    quote.speaker = self.speakers.subject_before(incise_start, verb.start())
                    if quote.speaker:
                        return
        # 2. A reporting verb earlier in the sentence: « X a déclaré : "…" ».
        verbs = [m for m in self.reporting.finditer(text, sentence.start, opened)]
        if verbs:
            quote.cue = verbs[-1].group(0)
            quote.speaker = self.speakers.subject_before(sentence.start, verbs[-1].start())
            if quote.speaker:
                return
        # 3. Anywhere in the sentence: « selon X », or an inverted reporting clause.
        speaker, cue = self._sentence_speaker(sentence, exclude=(opened, closed))
        if speaker:
            quote.speaker, quote.cue = speaker, cue
            return
        # 4. A quote standing alone continues the previous speaker's words.
        if quote.kind == "direct" and not text[closed : sentence.end].strip(" .!?…"):
            quote.speaker = self.previous_quote_speaker

    def _sentence_speaker(self, sentence, exclude=(0, 0)):
        text = self.text
        for according in ACCORDING_TO.finditer(text, sentence.start, sentence.end):
            speaker = self.speakers.after(according.end(), sentence.end)
            if speaker:
                return speaker, according.group(0).strip()
        for verb in self.reporting.finditer(text, sentence.start, sentence.end):
            if exclude[0] <= verb.start() < exclude[1]:
                continue
            preceding = text[sentence.start : verb.start()].rstrip()
            if preceding.endswith(","):
                speaker = self.speakers.after(verb.end(), sentence.end)
                if speaker:
                    return speaker, verb.group(0)
            speaker = self.speakers.subject_before(sentence.start, verb.start())
            if speaker:
                return speaker, verb.group(0)
        return None, ""

    def _reported_clause(self, sentence, ranges):
        """« X, a annoncé jeudi l'Insee. », « Selon l'OMS, X. », "X, the WTA said."."""
        text = self.text
        end = sentence.end
        while end > sentence.start and text[end - 1] in ".!?… ":
            end -= 1
        according = ACCORDING_TO.match(text, sentence.start, end)
        if according:
            comma = text.find(",", according.end(), end)
            if comma > 0:
                speaker = self.speakers.after(according.end(), comma + 1)
                start = comma + 1
                while start < end and text[start] == " ":
                    start += 1
                if speaker and end - start > 8:
                    return Quote(
                        start, end, text[start:end], "indirect", according.group(0).strip(), speaker
                    )
        verbs = list(self.reporting.finditer(text, sentence.start, sentence.end))
        for verb in reversed(verbs):
            if any(a <= verb.start() < b for a, b in ranges):
                continue
            comma = text.rfind(",", sentence.start, verb.start())
            if comma < 0 or comma - sentence.start < 15:
                continue
            between = text[comma + 1 : verb.start()].strip()
            if not between:
                speaker = self.speakers.after(verb.end(), sentence.end)
            elif len(between.split()) <= 7 and not _FRONTED.match(text, sentence.start, comma):
                # « X, Marie Dupont a indiqué jeudi lors d'une conférence de presse. ». Not
                # « Pendant la campagne, Donald Trump avait promis… », whose words before the
                # comma are no quote but the sentence's own setting.
                speaker = self.speakers.subject_before(comma + 1, verb.start())
            else:
                continue
            if speaker is None:
                continue
            clause_end = comma
            while clause_end > sentence.start and text[clause_end - 1] == " ":
                clause_end -= 1
            return Quote(
                sentence.start,
                clause_end,
                text[sentence.start : clause_end],
                "indirect",
                verb.group(0),
                speaker,
            )
        for according in ACCORDING_TO.finditer(text, sentence.start, end):
            comma = text.rfind(",", sentence.start, according.start())
            if comma > sentence.start + 15:
                speaker = self.speakers.after(according.end(), end)
                if speaker:
                    return Quote(
                        sentence.start,
                        comma,
                        text[sentence.start : comma],
                        "indirect",
                        according.group(0).strip(),
                        speaker,
                    )
        return None

    def _indirect_speech(self, sentence, ranges):
        text = self.text
        conjunction = (
            r"(?:que(?![\w])|qu['’])"
            if self.language == "fr"
            else r"(?:that(?![\w])|(?=(?:he|she|they|it|the|a|an|his|her|their|its|this|"
            r"there|we)\b|\d|(?-i:[A-Z])))"
        )
        quotes = []
        for verb in self.reporting.finditer(text, sentence.start, sentence.end):
            if any(a <= verb.start() < b for a, b in ranges):
                continue
            # « "…", a déclaré X » is the incise of a quote, not the start of reported speech.
            if any(
                b <= verb.start() and not text[b : verb.start()].strip(" ,—–-") for a, b in ranges
            ):
                continue
            follow = re.compile(rf"[^.;:\"«»“”]{{0,120}}?(?<![\w'’]){conjunction}\s*", re.I)
            match = follow.match(text, verb.end(), sentence.end)
            if not match:
                continue
            start, end = match.end(), sentence.end
            while end > start and text[end - 1] in ".!?… ":
                end -= 1
            if end - start < 8:
                continue
            quote = Quote(start, end, text[start:end], "indirect", verb.group(0))
            quote.speaker = self.speakers.subject_before(sentence.start, verb.start())
            quotes.append(quote)
            break
        return quotes
