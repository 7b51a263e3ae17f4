"""The speakers of one document: their names cleaned of honorifics and titles, deduplicated
(« M. Trump » is « Donald Trump »), and the gender a pronoun or a role tells."""

import re
from dataclasses import dataclass

from .entities import ORGANISATION, PERSON

_HONORIFICS = {
    "m.": "m",
    "mr": "m",
    "mr.": "m",
    "monsieur": "m",
    "mme": "f",
    "mme.": "f",
    "madame": "f",
    "mrs": "f",
    "mrs.": "f",
    "ms": "f",
    "ms.": "f",
    "mlle": "f",
    "dr": "",
    "dr.": "",
    "pr": "",
    "me": "",
}
_EN_TITLES = re.compile(
    r"^(?:(?:President|Vice President|Prime Minister|Minister|Secretary(?: of State)?|Senator|"
    r"Governor|General|Gen\.|Chancellor|Mayor|Judge|Chief Executive|CEO|Spokesman|"
    r"Spokeswoman|Professor|Sir|Dame)\s+)+"
)


@dataclass
class SpeakerMention:
    name: str
    role: str = ""
    kind: str = PERSON
    gender: str = ""

    def as_dict(self):
        return {"name": self.name, "role": self.role, "kind": self.kind}


def _surname_key(name):
    return name.lower().replace(".", " ").split()[-1] if name.split() else ""


class SpeakerRegistry:
    """The speakers of one document, deduplicated: « M. Trump » is « Donald Trump »."""

    def __init__(self, full_names=()):
        self.speakers = []
        self.history = []
        self.full_names = {}
        for raw in full_names:
            name = clean_name(raw)[0]
            key = _surname_key(name)
            if len(name.split()) > len(self.full_names.get(key, "").split()):
                self.full_names[key] = name

    def resolve(self, name, role="", kind=PERSON, gender=""):
        name, title, honorific_gender = clean_name(name)
        if not name:
            return None
        gender = gender or honorific_gender
        role = role or title
        if kind == PERSON:
            full = self.full_names.get(_surname_key(name))
            if full and full.lower().endswith(name.lower()) and len(full) > len(name):
                name = full
        for speaker in self.speakers:
            if speaker.kind == kind and same_speaker(speaker.name, name, kind):
                if len(name) > len(speaker.name):
                    speaker.name = name
                speaker.role = speaker.role or role
                speaker.gender = speaker.gender or gender
                return speaker
        speaker = SpeakerMention(name, role, kind, gender)
        self.speakers.append(speaker)
        return speaker

    def note(self, speaker):
        if speaker is not None:
            self.history.append(speaker)

    def pronoun(self, pronoun):
        """The nearest earlier speaker a pronoun can refer to."""
        pronoun = pronoun.lower()
        plural = pronoun in ("ils", "elles", "they")
        wanted = "f" if pronoun in ("elle", "elles", "she") else "m"
        for speaker in reversed(self.history):
            if plural:
                if speaker.kind == ORGANISATION:
                    return speaker
                continue
            # The most recent speaker whose gender does not rule it out.
            if speaker.gender == wanted or (not speaker.gender and speaker.kind == PERSON):
                return speaker
            if speaker.kind == ORGANISATION and speaker.gender == wanted:
                return speaker
        return None


def clean_name(name):
    """Strip honorifics and titles: returns (name, title, gender)."""
    name = " ".join(name.replace("\u00a0", " ").split()).strip(" ,.;:")
    gender = ""
    words = name.split()
    while words and words[0].lower() in _HONORIFICS:
        gender = gender or _HONORIFICS[words[0].lower()]
        words = words[1:]
    name = " ".join(words)
    title = ""
    match = _EN_TITLES.match(name)
    if match and match.end() < len(name):
        title, name = match.group(0).strip(), name[match.end() :]
    for article in ("l'", "l’"):
        if name.lower().startswith(article):
            name = name[len(article) :]
    return name, title, gender


def same_speaker(a, b, kind):
    if a.lower() == b.lower():
        return True
    if kind != PERSON:
        # « le ministère » after « le ministère américain de la Justice »
        wa, wb = a.lower().split(), b.lower().split()
        short, long_ = sorted((wa, wb), key=len)
        return len(short) == 1 and long_[0] == short[0] and len(long_) > 1
    # « Trump » and « Donald Trump »: one name is the end of the other.
    wa, wb = a.lower().split(), b.lower().split()
    short, long_ = sorted((wa, wb), key=len)
    return long_[-len(short) :] == short


_FEMININE_ROLE = re.compile(
    r"^(?:\w+(?:trice|euse|ière|ienne|ante|ente|eure|esse)|avocate|adjointe|élue|députée|"
    r"candidate|porte-parole de la|spokeswoman|chairwoman|congresswoman)\b",
    re.IGNORECASE,
)
_MASCULINE_ROLE = re.compile(
    r"^(?:\w+(?:teur|eur|ier|ien|ant|ent)|avocat|adjoint|élu|député|candidat|spokesman|"
    r"chairman|congressman|général|général de)\b",
    re.IGNORECASE,
)


def gender_from_role(role):
    role = role.strip()
    if _FEMININE_ROLE.match(role):
        return "f"
    if _MASCULINE_ROLE.match(role):
        return "m"
    return ""
