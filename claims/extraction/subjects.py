"""Who is named around a reporting verb: the entity, title or noun phrase after it
(« a déclaré le général H.R. McMaster »), or the subject before it (« Marie Lefèvre,
porte-parole de X, a dit »), resolved against the document's speakers."""

import re

from .entities import _FR_ORG_PHRASE, INSTITUTIONS, ORGANISATION, PERSON, title_before
from .speakers import gender_from_role

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
_ORG_HINT = re.compile(
    r"\b(?:minist[èe]re|gouvernement|commission|agence|institut|conseil|parquet|police|"
    r"ministry|department|government|agency|office|council|police|company|group)\b",
    re.IGNORECASE,
)


class SpeakerFinder:
    """Finds the speaker named next to a reporting verb in ``text``."""

    def __init__(self, text, entities, registry, language="fr", gender_at=None):
        self.text = text
        self.entities = entities  # Spans of people and organisations
        self.registry = registry
        self.language = language
        self.gender_at = gender_at or (lambda offset: "")

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

    def after(self, position, limit):
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

    def subject_before(self, start, verb_start):
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
