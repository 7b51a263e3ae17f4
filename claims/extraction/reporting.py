"""Reporting verbs (« a déclaré », « a-t-il expliqué », "said") in French and English."""

import re

# Past participles of French reporting verbs, with their irregular present/imperfect forms.
_FR_REGULAR = [
    "déclaré",
    "annoncé",
    "affirmé",
    "souligné",
    "indiqué",
    "expliqué",
    "ajouté",
    "estimé",
    "assuré",
    "précisé",
    "jugé",
    "rappelé",
    "insisté",
    "dénoncé",
    "qualifié",
    "confirmé",
    "lancé",
    "noté",
    "relevé",
    "raconté",
    "confié",
    "regretté",
    "salué",
    "déploré",
    "plaidé",
    "réclamé",
    "demandé",
    "accusé",
    "répété",
    "commenté",
    "argué",
    "signalé",
    "révélé",
    "avancé",
    "détaillé",
    "résumé",
    "ironisé",
    "martelé",
    "tweeté",
    "observé",
    "souhaité",
    "prévenu",
    "averti",
    "rétorqué",
    "tranché",
]
_FR_IRREGULAR = {
    "dit": ["dit", "disait", "disent", "disaient"],
    "admis": ["admet", "admettait"],
    "promis": ["promet", "promettait"],
    "reconnu": ["reconnaît", "reconnait", "reconnaissait"],
    "démenti": ["dément", "démentait"],
    "répondu": ["répond", "répondait"],
    "poursuivi": ["poursuit", "poursuivait"],
    "conclu": ["conclut", "concluait"],
    "écrit": ["écrit", "écrivait"],
    "soutenu": ["soutient", "soutenait"],
    "prédit": ["prédit", "prédisait"],
    "nié": ["nie", "niait"],
    "prévenu": ["prévient", "prévenait"],
    "averti": ["avertit", "avertissait"],
    "réagi": ["réagit", "réagissait"],
    "renchéri": ["renchérit", "renchérissait"],
}


def _french_forms():
    forms = set()
    for participle in _FR_REGULAR:
        if participle.endswith("é"):
            stem = participle[:-1]
            forms.update(
                {
                    participle,
                    participle + "e",
                    participle + "s",
                    stem + "e",
                    stem + "ent",
                    stem + "ait",
                    stem + "aient",
                    stem + "a",
                }
            )
    for participle, others in _FR_IRREGULAR.items():
        forms.update([participle, *others])
    forms.update(["fait valoir", "fait savoir", "mis en garde", "met en garde"])
    return forms


FR_FORMS = _french_forms()
EN_FORMS = set(
    [
        "said",
        "says",
        "told",
        "tells",
        "added",
        "adds",
        "stated",
        "announced",
        "explained",
        "warned",
        "claimed",
        "insisted",
        "noted",
        "argued",
        "wrote",
        "declared",
        "confirmed",
        "denied",
        "acknowledged",
        "estimated",
        "predicted",
        "promised",
        "stressed",
        "emphasised",
        "emphasized",
        "tweeted",
        "testified",
        "reported",
        "asserted",
        "maintained",
        "described",
        "replied",
        "recalled",
        "conceded",
    ]
)
_FR_VERB = "|".join(sorted((re.escape(f) for f in FR_FORMS), key=len, reverse=True))
_EN_VERB = "|".join(sorted(EN_FORMS, key=len, reverse=True))

FR_AUX = (
    r"(?:a|ont|avait|avaient|aurait|auraient|va|vont|a\s+également|a\s+aussi|avait\s+également)"
)
# « a déclaré », « avait jugé », « souligne »
FR_REPORTING = re.compile(
    rf"(?<![\w-])(?:{FR_AUX}\s+(?:\w+\s+){{0,3}})?(?P<verb>{_FR_VERB})(?![\w-])", re.IGNORECASE
)
EN_REPORTING = re.compile(
    rf"(?<![\w-])(?:(?:has|had|have)\s+)?(?P<verb>{_EN_VERB})(?![\w-])", re.IGNORECASE
)
# « a-t-il expliqué », « ajoute-t-elle », « estiment-ils »
FR_INVERTED_PRONOUN = re.compile(
    r"(?<![\w-])(?P<verb>\w+)-(?:t-)?(?P<pronoun>il|elle|ils|elles)(?![\w-])(?:\s+(?P<participle>\w+))?",
    re.IGNORECASE,
)
# « selon X », « d'après X », "according to X"
ACCORDING_TO = re.compile(r"(?<![\w-])(?:selon|d'après|d’après|according to)\s+", re.IGNORECASE)


def reporting_pattern(language):
    return EN_REPORTING if language == "en" else FR_REPORTING


def is_reporting_form(word, language):
    return word.lower() in (EN_FORMS if language == "en" else FR_FORMS)
