"""Quotations and who said them.

Direct quotes (« … », “ … ”, and AFP's straight "…" paired within a paragraph), partial
quotes inside a sentence, and indirect speech (« Il a souligné que … »), each attributed
to a speaker: an incise after the quote (« a déclaré le général H.R. McMaster »,
« a-t-il expliqué »), « selon X », or the subject before the reporting verb. Pronouns
resolve to the nearest earlier speaker that fits.
"""

import re
from dataclasses import dataclass

from .entities import _FR_ORG_PHRASE, INSTITUTIONS, ORGANISATION, PERSON, title_before
from .reporting import ACCORDING_TO, FR_INVERTED_PRONOUN, reporting_pattern
from .sentences import quoted_ranges
from .spans import Spans
from .speakers import SpeakerMention, SpeakerRegistry, gender_from_role

_GAP_WORDS = re.compile(r"^[\s,]*(?:(?:[a-zàâçéèêëîïôûùüÿœ'’-]+|[A-ZÉ][\w'’-]*\.?)[\s,]*){0,10}$")
_NOT_A_ROLE = re.compile(
    r"^(?:\w+ant|avant|après|qui|dont|lors|selon|alors|avec|sans|pour|en|dans|à|au|et|mais|"
    r"car|citant|ajoutant|while|who|which|adding|citing|before|after|in|on|at)\b",
    re.IGNORECASE,
)
_TIME_WORDS = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui|soir|matin|"
    r"également|aussi|encore|notamment|ensuite|alors|pour sa part|de son côté|on|in|at|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|also)"
)
_NP_AFTER = re.compile(
    rf"^[\s,]*(?:{_TIME_WORDS}[\s,]+)*(?P<det>le|la|l'|l’|les|the)\s*(?P<np>[^,.;:\"«»“”()]+)",
    re.IGNORECASE,
)
_NP_CUT = re.compile(r"\s+(?:dans|lors|qui|en|devant|à|au|sur|pour|in|on|at|who|during)\s.*$")
_FR_SUBJECT_NP = re.compile(
    r"(?:^|[,;]\s*)(?P<det>Le|La|L'|L’|Les|le|la|les|The)\s+(?P<np>[^,.;:\"«»]+?)\s*$"
)
_PRONOUN_BEFORE = re.compile(
    r"(?:^|[\s,;])(?P<pronoun>[Ii]l|[Ee]lle|[Ii]ls|[Ee]lles|He|She|They|he|she|they)"
    r"\s+(?:\w+\s+){0,3}$"
)
# A short phrase of time or place before the comma sets the scene of the sentence; it is no
# reported clause (« Pendant la campagne électorale, Donald Trump avait promis… »).
_FRONTED = re.compile(
    r"\s*(?:pendant|durant|lors|après|avant|depuis|dès|dans|en|au|aux|à|sur|sous|pour|malgré|"
    r"outre|hier|during|after|before|since|in|on|at|for|despite|yesterday)\b"
    r"(?:\s+[\w'’-]+){0,5}\s*$",
    re.IGNORECASE,
)
_ORG_HINT = re.compile(
    r"\b(?:minist[èe]re|gouvernement|commission|agence|institut|conseil|parquet|police|"
    r"ministry|department|government|agency|office|council|police|company|group)\b",
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
                    quote.speaker = self._speaker_after(after, sentence.end)
                if quote.speaker:
                    return
            according = ACCORDING_TO.match(text, incise_start, sentence.end)
            if according:
                quote.cue = according.group(0).strip()
                quote.speaker = self._speaker_after(according.end(), sentence.end)
                if quote.speaker:
                    return
            subject_first = re.match(
                r"\s*(?P<subject>[^,.;]+?)\s+", text[incise_start : sentence.end]
            )
            if subject_first:  # « ", X a-t-il dit » / "", the minister said"
                verb = self.reporting.search(text, incise_start, sentence.end)
                if verb:
                    quote.cue = verb.group(0)
                    quote.speaker = self._subject_before(incise_start, verb.start())
                    if quote.speaker:
                        return
        # 2. A reporting verb earlier in the sentence: « X a déclaré : "…" ».
        verbs = [m for m in self.reporting.finditer(text, sentence.start, opened)]
        if verbs:
            quote.cue = verbs[-1].group(0)
            quote.speaker = self._subject_before(sentence.start, verbs[-1].start())
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
            speaker = self._speaker_after(according.end(), sentence.end)
            if speaker:
                return speaker, according.group(0).strip()
        for verb in self.reporting.finditer(text, sentence.start, sentence.end):
            if exclude[0] <= verb.start() < exclude[1]:
                continue
            preceding = text[sentence.start : verb.start()].rstrip()
            if preceding.endswith(","):
                speaker = self._speaker_after(verb.end(), sentence.end)
                if speaker:
                    return speaker, verb.group(0)
            speaker = self._subject_before(sentence.start, verb.start())
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
                speaker = self._speaker_after(according.end(), comma + 1)
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
                speaker = self._speaker_after(verb.end(), sentence.end)
            elif len(between.split()) <= 7 and not _FRONTED.match(text, sentence.start, comma):
                # « X, Marie Dupont a indiqué jeudi lors d'une conférence de presse. ». Not
                # « Pendant la campagne, Donald Trump avait promis… », whose words before the
                # comma are no quote but the sentence's own setting.
                speaker = self._subject_before(comma + 1, verb.start())
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
                speaker = self._speaker_after(according.end(), end)
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
            quote.speaker = self._subject_before(sentence.start, verb.start())
            quotes.append(quote)
            break
        return quotes

    def _entity_speaker(self, entity, role=""):
        # spaCy's gender on first names is unreliable; trust only the role's grammar.
        gender = gender_from_role(role) if entity.label == PERSON else ""
        article = self.text[max(0, entity.start - 4) : entity.start].lower()
        if entity.label == ORGANISATION:
            gender = (
                "f"
                if re.search(r"\bla\s*$", article)
                else ("m" if re.search(r"\b(?:le|du)\s*$", article) else "")
            )
        return self.registry.resolve(entity.text, role=role, kind=entity.label, gender=gender)

    def _role_after(self, position, limit):
        match = re.match(
            r",\s*(?P<role>[^,.;:\"«»“”()]{3,80}?)\s*(?=,|\.|;|$)", self.text[position:limit]
        )
        if (
            match
            and not _NOT_A_ROLE.match(match.group("role"))
            and match.group("role")[0].islower()
        ):
            return match.group("role")
        return ""

    def _speaker_after(self, position, limit):
        """The speaker named after a reporting verb: « a déclaré le général H.R. McMaster »."""
        text = self.text
        window_end = min(limit, position + 80)
        in_window = self.entities.starting_in(position, window_end)
        # « le ministre de l'Economie Jean Dupont », « le capitaine de l'OM, Mathieu Castel »:
        # the person closes the title chain.
        for first, person in zip(in_window, in_window[1:], strict=False):
            if first.label != PERSON and person.label == PERSON:
                chain = text[first.end : person.start]
                if re.fullmatch(
                    r"\s*(?:,\s*)?(?:(?:le|la|l'|l’)\s*)?(?:(?:Dr|Pr|Me|M\.|Mme)\s*)?", chain
                ):
                    in_window.remove(first)
                    break
        for entity in in_window:
            if position <= entity.start < window_end:
                gap = text[position : entity.start]
                if not _GAP_WORDS.match(gap):
                    break
                determiner = re.search(
                    r"(?:^|\s)(?:le|la|l'|l’|les|the)\s+(?P<title>[^,]*)$", gap, re.I
                )
                title = determiner.group("title").strip() if determiner else ""
                role = self._role_after(entity.end, limit) or title
                if title and not self.gender_at(entity.start):
                    article = determiner.group(0).strip().split()[0].lower()
                    gender = {"le": "m", "la": "f"}.get(article, "")
                else:
                    gender = ""
                speaker = self._entity_speaker(entity, role)
                if speaker and gender and not speaker.gender:
                    speaker.gender = gender
                return speaker
            if entity.start >= window_end:
                break
        match = _NP_AFTER.match(text[position:limit])
        if not match:
            return None
        noun_phrase = _NP_CUT.sub("", match.group("np")).strip()
        if not noun_phrase or len(noun_phrase.split()) > 8:
            return None
        kind = ORGANISATION if _is_organisation(noun_phrase) else PERSON
        gender = {"le": "m", "la": "f"}.get(match.group("det").lower(), "")
        return self.registry.resolve(noun_phrase, kind=kind, gender=gender)

    def _subject_before(self, start, verb_start):
        """The subject of a reporting verb: an entity, a pronoun or a noun phrase before it."""
        text = self.text
        fits = []
        # Only those from the sentence's start to the verb can fit.
        for entity in reversed(self.entities.within(start, verb_start)):
            if not (entity.end <= verb_start and entity.start >= start):
                continue
            if len(fits) >= 4 or entity.end < verb_start - 160:
                break
            gap = text[entity.end : verb_start]
            apposition = re.match(r"^\s*,\s*(?P<role>[^,.;]{2,120}),\s*", gap)
            rest = gap[apposition.end() :] if apposition else gap
            if re.match(r"^\s*,?\s*(?:[\w'’-]+\s+){0,4}$", rest) and rest.count(",") <= (
                0 if apposition else 1
            ):
                fits.append((entity, apposition, rest))
        chosen = None
        for entity, apposition, _rest in fits:
            if apposition and entity.label == PERSON:
                chosen = (entity, apposition)  # « Marie Lefèvre, porte-parole de X, a dit »
                break
        if chosen is None and fits:
            entity, apposition, rest = fits[0]
            chosen = (entity, apposition)
        if chosen:
            entity, apposition = chosen
            role = apposition.group("role").strip() if apposition else ""
            if role and (_NOT_A_ROLE.match(role) or not role[0].islower()):
                role = ""
            if not role:
                role = title_before(text, entity.start)
            if not role:
                before = re.search(
                    r"(?:^|[.;]\s*)(?:Le|La|L'|L’|le|la)\s+(?P<title>[^,]{3,80}),\s*$",
                    text[start : entity.start],
                )
                role = before.group("title") if before else ""
            return self._entity_speaker(entity, role)
        pronoun = _PRONOUN_BEFORE.search(text[start:verb_start])
        if pronoun:
            return self.registry.pronoun(pronoun.group("pronoun"))
        clause = re.split(r"[,;:]", text[start:verb_start])[-1].strip()
        bare = re.fullmatch(r"(?:[A-Z][\w’'-]*\s+)?[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*){0,2}", clause)
        if bare and self.language == "en" and clause.split()[-1] not in ("has", "had", "have"):
            return self.registry.resolve(clause, kind=ORGANISATION)
        noun = _FR_SUBJECT_NP.search(text[start:verb_start].rstrip())
        if noun:
            phrase = re.sub(
                r"\s+(?:a|ont|avait|avaient|has|had|have)(?:\s+\w+)?$", "", noun.group("np")
            )
            phrase = phrase.strip()
            if phrase and len(phrase.split()) <= 6 and not phrase[0].isdigit():
                kind = ORGANISATION if _is_organisation(phrase) else PERSON
                gender = {"le": "m", "la": "f"}.get(noun.group("det").lower(), "")
                return self.registry.resolve(phrase, kind=kind, gender=gender)
        return None


def _is_organisation(phrase):
    return bool(
        _ORG_HINT.search(phrase)
        or _FR_ORG_PHRASE.search(phrase)
        or any(name.lower() in phrase.lower() for name in INSTITUTIONS if len(name) > 3)
        or re.fullmatch(r"[A-Z]{2,6}", phrase)
    )
