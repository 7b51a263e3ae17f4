"""Named entities: people, organisations and places, with offsets into the text.

French relies on spaCy's NER, corrected by a short list of institutions it tends to take
for places (« la Maison Blanche », « le Kremlin »). English has no model on PyPI, so
capitalised sequences are classified by rules.
"""

import bisect
import re
from dataclasses import dataclass

PERSON, ORGANISATION, PLACE, OTHER = "person", "organisation", "place", "other"

INSTITUTIONS = [
    "Maison Blanche",
    "Kremlin",
    "Elysée",
    "Élysée",
    "Matignon",
    "Bercy",
    "Pentagone",
    "Quai d'Orsay",
    "Commission européenne",
    "Parlement européen",
    "Conseil européen",
    "Assemblée nationale",
    "Sénat",
    "Conseil constitutionnel",
    "Conseil d'Etat",
    "Conseil d'État",
    "Cour des comptes",
    "Banque de France",
    "Banque centrale européenne",
    "OMS",
    "ONU",
    "Otan",
    "OTAN",
    "UE",
    "BCE",
    "FMI",
    "OCDE",
    "FBI",
    "CIA",
    "Insee",
    "INSEE",
    "Unicef",
    "Unesco",
    "Interpol",
    "Europol",
    "SNCF",
    "Météo-France",
    "Santé publique France",
    "Banque mondiale",
    "White House",
    "Congress",
    "Senate",
    "WHO",
    "UN",
    "NATO",
    "EU",
    "IMF",
    "Federal Reserve",
    "Supreme Court",
    "European Commission",
    "World Bank",
    "Pentagon",
]
ORG_WORDS_FR = (
    r"minist[èe]re|gouvernement|commission|agence|institut|office|conseil|parquet|tribunal|"
    r"cour|banque|parti|syndicat|fédération|f[ée]d[ée]ration|association|entreprise|groupe|"
    r"soci[ée]t[ée]|mairie|préfecture|pr[ée]fecture|police|gendarmerie|arm[ée]e|direction|"
    r"autorit[ée]|haut conseil|observatoire|comit[ée]|organisation|ONG|fondation|universit[ée]"
)
ORG_WORDS_EN = (
    "Ministry|Department|Agency|Commission|Council|Bank|House|Organization|Organisation|"
    "Party|Union|Court|Congress|Senate|Inc|Corp|Corporation|University|Office|Bureau|"
    "Institute|Fund|Authority|Administration|Committee|Association|Federation|Group|Police"
)
_INSTITUTION = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(name) for name in sorted(INSTITUTIONS, key=len, reverse=True))
    + r")(?![\w-])"
)
# « le ministère de la Santé », « l'Agence internationale de l'énergie »
_FR_ORG_PHRASE = re.compile(
    rf"(?<![\w-])(?i:{ORG_WORDS_FR})(?:\s+[a-zéèêàç]+){{0,2}}?"
    rf"(?:\s+(?:de|des|du|d'|d’|de la|de l'|pour|à)\s*"
    rf"(?:la |l'|l’|les )?[A-ZÉÈ][\w'’-]*(?:\s+[A-ZÉÈ][\w'’-]*)*)"
)
_EN_WORD = r"[A-Z](?:[\w’'-]|\.(?=[A-Z]))*\.?(?<!\.)"
_EN_CAPITALISED = re.compile(
    rf"(?<![\w’']){_EN_WORD}(?:\s+(?:(?:of|for|the|de|van|von)\s+)?{_EN_WORD})*"
)
_EN_SENTENCE_WORDS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "But",
    "And",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "As",
    "After",
    "Before",
    "While",
    "When",
    "If",
    "For",
    "Since",
    "Some",
    "Many",
    "More",
    "Most",
    "There",
    "Asked",
    "According",
    "Last",
    "Next",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
}
_EN_PLACES = {
    "United States",
    "US",
    "U.S.",
    "Britain",
    "UK",
    "France",
    "Germany",
    "China",
    "Russia",
    "Ukraine",
    "Washington",
    "London",
    "Paris",
    "Brussels",
    "Moscow",
    "Beijing",
    "Europe",
    "Asia",
    "Africa",
    "New York",
    "California",
    "Texas",
    "Canada",
    "Mexico",
    "India",
    "Japan",
    "Italy",
    "Spain",
    "Iran",
    "Israel",
    "Gaza",
    "Syria",
}
# « le ministre de l'Économie Bruno Le Maire »: spaCy runs the portfolio into the name
# (« Économie Bruno Le Maire »), or tags the title as an organisation.
_TITLE_NOUN = (
    r"(?i:ministre|secrétaire|président|présidente|directeur|directrice|porte-parole|"
    r"délégué|déléguée|commissaire|haut-commissaire|haute-commissaire|chef|cheffe|patron|"
    r"patronne|préfet|préfète|gouverneur|gouverneure|maire|procureur|procureure|"
    r"vice-président|vice-présidente|premier ministre|première ministre)"
)
_LINK = r"(?:de\s+la\s+|de\s+l['’]|d['’]|du\s+|des\s+|de\s+|aux?\s+|à\s+la\s+|à\s+l['’])"
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_LOWER = r"(?:\s+(?!(?:et|de|du|des|la|le|les|au|aux|à)\b)[a-zà-öø-ÿœ][\w'’-]*)"
_PORTFOLIO = rf"{_CAP}{_LOWER}{{0,3}}(?:\s+(?:et\s+)?{_LINK}{_CAP}{_LOWER}{{0,3}})*"
_TITLE = rf"{_TITLE_NOUN}{_LOWER}{{0,2}}\s+{_LINK}{_PORTFOLIO}"
_PARTICLE = r"(?:von|van|der|den|del|della|di|da|dos|du|de|ben|bin|ibn|al|el)"
_TITLED_PERSON = re.compile(
    rf"(?<![\w-])(?P<title>{_TITLE})\s+"
    rf"(?P<person>{_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{1,3}})(?![\w'’-])"
)
_TITLE_TAIL = re.compile(rf"(?<![\w-])(?P<title>{_TITLE})\s+$")


def title_before(text, position):
    """The title that runs straight into the name at ``position``: « ministre de l'Économie »."""
    match = _TITLE_TAIL.search(text, max(0, position - 160), position)
    return match.group("title") if match else ""


def _titled_people(text):
    """(span of title and name, the person) for « ministre du Travail Olivier Dussopt »."""
    for match in _TITLED_PERSON.finditer(text):
        start, end = match.span("person")
        yield (match.start(), end), Entity(start, end, match.group("person"), PERSON)


_SPACY_LABELS = {"PER": PERSON, "ORG": ORGANISATION, "LOC": PLACE, "MISC": OTHER}


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str

    def as_dict(self):
        return {"text": self.text, "label": self.label, "start": self.start, "end": self.end}


def _without_overlaps(entities):
    kept = []
    for entity in sorted(entities, key=lambda e: (e.start, -(e.end - e.start))):
        if kept and entity.start < kept[-1].end:
            continue
        kept.append(entity)
    return kept


def find_entities(text, doc=None, language="fr"):
    """Entities of ``text``; ``doc`` is the spaCy Doc for French (it carries the NER)."""
    forced = [
        Entity(m.start(), m.end(), m.group(0), ORGANISATION) for m in _INSTITUTION.finditer(text)
    ]
    if language == "fr":
        forced += [
            Entity(m.start(), m.end(), m.group(0).rstrip(), ORGANISATION)
            for m in _FR_ORG_PHRASE.finditer(text)
        ]
        model = [
            Entity(ent.start_char, ent.end_char, ent.text, _SPACY_LABELS.get(ent.label_, OTHER))
            for ent in (doc.ents if doc is not None else [])
            if ent.text.strip() and not ent.text[0].islower()
        ]
        # Only where the model ran the title into the name: elsewhere its own split of
        # « le maire de New York Eric Adams » is better than a rule's.
        titled = [
            (span, person)
            for span, person in _titled_people(text)
            if any(e.start < person.start < e.end and e.end >= person.end for e in model)
        ]
    else:
        model = list(_english_entities(text))
        titled = []
    # A titled person wins over anything found in its title or name; institutions and
    # organisation phrases win over what the model saw at that place.
    result = [person for _span, person in titled]
    # What is taken never overlaps, so sorted by start it is sorted by end too: the one span
    # before ``entity.end`` with the latest end is the only one that could overlap it.
    taken = sorted(span for span, _person in titled)
    for entity in _without_overlaps(forced) + model:
        before = bisect.bisect_left(taken, (entity.end,))
        if before and taken[before - 1][1] > entity.start:
            continue
        result.append(entity)
        taken.insert(before, (entity.start, entity.end))
    return sorted(result, key=lambda e: e.start)


# « EPA Administrator Linda Marsh »: the person is what follows the title.
_EN_TITLE = re.compile(
    r"^(?:.*\s)?(?:Administrator|Secretary|Minister|President|Director|Chief|Spokesman|"
    r"Spokeswoman|Commissioner|Governor|Mayor|Senator|Sen\.|Rep\.|Representative|Dr\.|Judge|"
    r"Chairman|Chairwoman|CEO|Coach|Prosecutor|Attorney General|General|Officer)\s+"
    r"(?=[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*$)"
)
_EN_OTHER_WORDS = re.compile(
    r"\b(?:Open|Cup|Championships?|Games|Festival|Stadium|Arena|Park|Street|Square|Hall|"
    r"Center|Centre|Airport|River|Island|Lake|Mountains?|Wells|Prize|Awards?|Act|Bill)\b"
)


def _english_entities(text):
    found = list(_english_candidates(text))
    # « Marchetti » alone is the « Lena Marchetti » named elsewhere in the text.
    surnames = {e.text.split()[-1] for e in found if e.label == PERSON}
    for entity in found:
        if entity.label == OTHER and entity.text in surnames:
            yield Entity(entity.start, entity.end, entity.text, PERSON)
        else:
            yield entity


def _english_candidates(text):
    for match in _EN_CAPITALISED.finditer(text):
        value = match.group(0).rstrip(".")
        start = match.start()
        words = value.split()
        while words and words[0] in _EN_SENTENCE_WORDS:
            start = text.index(words[1], start) if len(words) > 1 else start
            words = words[1:]
        if not words:
            continue
        value = " ".join(words)
        value = text[start : start + len(value)]
        possessive = re.match(r"^[A-Z][\w-]*['’]s\s+", value)
        if possessive and len(value.split()) > 2:  # « Italy's Lena Marchetti »
            start += possessive.end()
            value = value[possessive.end() :]
            words = value.split()
        title = _EN_TITLE.match(value)
        if title:
            start += title.end()
            value = value[title.end() :]
            words = value.split()
            label = PERSON
        elif value in _EN_PLACES:
            label = PLACE
        elif re.search(rf"\b(?:{ORG_WORDS_EN})\b", value) or (value.isupper() and len(value) > 1):
            label = ORGANISATION
        elif _EN_OTHER_WORDS.search(value):
            label = OTHER
        elif len(words) >= 2:
            label = PERSON
        else:
            label = OTHER
        yield Entity(start, start + len(value), value, label)
