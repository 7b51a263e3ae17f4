"""Check-worthiness: a 0..1 score, a claim type, and the reasons behind both.

A transparent weighted sum of features through a logistic curve, so the admin can show
*why* a sentence ranks high. Dated events, figures and attributed factual statements
score high; questions, exclamations and pure opinion score low.
"""

import math
import re
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 0.5

WEIGHTS = {
    "number": 1.6,
    "date": 1.3,
    "attributed": 0.4,
    "named_entity": 0.5,
    "comparison": 0.8,
    "causal": 0.8,
    "prediction": 0.6,
    "law": 0.9,
    "factual_verb": 0.5,
    "question": -3.5,
    "exclamation": -2.0,
    "opinion": -1.6,
    "first_person_opinion": -1.0,
    "short": -1.5,
    "vague": -0.6,
}
BIAS = -0.9

_PATTERNS = {
    "fr": {
        "comparison": r"\b(?:plus|moins|hausse|baisse|augment\w*|diminu\w*|recul\w*|progress\w*|"
        r"doublé|triplé|record|au plus bas|au plus haut|premi[èe]re? fois|jamais|davantage|"
        r"majorité|inférieur\w*|supérieur\w*|dépass\w*|chut\w*|bondi|grimp\w*)\b",
        "causal": r"\b(?:à cause d|en raison d|grâce à|provoqu\w*|entraîn\w*|caus\w*|"
        r"conduit à|lié\w* à|due? à|dus à|à la suite d|suite à|conséquence)\b",
        "prediction": r"\b(?:prévoi\w*|prévu\w*|projet\w*|compte|va|vont|devrait|devraient|"
        r"s'engage\w*|promet\w*|envisag\w*|annonc\w*|planifi\w*|d'ici)\b",
        "law": r"\b(?:loi|lois|décret|règlement|interdi\w*|obligatoire|autoris\w*|"
        r"juridiction|tribunal|condamn\w*|jugé\w* coupable|amende|sanction\w*|texte de loi|"
        r"constitution\w*|directive)\b",
        "factual_verb": r"\b(?:a|ont|avait|avaient|est|sont)\s+(?:été\s+)?"
        r"\w+(?:é|és|ée|ées|i|is|u|us|t)\b",
        "opinion": r"\b(?:je pense|je crois|à mon avis|selon moi|il faut|honte|magnifique|"
        r"formidable|scandaleu\w*|belle journée|merveilleu\w*|inacceptable|absurde|"
        r"regrettable|génial|catastroph\w*|heureu\w*|fier|fière|espère|espérons|souhait\w*|"
        r"rêve|mérite\w*|superbe|terrible|incroyable|bravo)\b",
        "first_person_opinion": r"\b(?:je|j'|nous)\b",
        "vague": r"\b(?:certains|beaucoup|souvent|parfois|probablement|peut-être|"
        r"semble\w*|pour l'heure)\b",
    },
    "en": {
        "comparison": r"\b(?:more|less|fewer|rose|risen|rise|fell|fallen|fall|increase\w*|"
        r"decrease\w*|doubled|tripled|record|highest|lowest|first time|never|majority|"
        r"higher|lower|than|exceed\w*|surge\w*|drop\w*|jump\w*|grew|growth)\b",
        "causal": r"\b(?:because|due to|caused|causing|led to|leads to|as a result|result\w* "
        r"in|owing to|thanks to|linked to|blamed)\b",
        "prediction": r"\b(?:will|would|plans? to|planned|expect\w*|forecast\w*|projected|"
        r"is set to|are set to|intends? to|promis\w*|by \d{4}|going to)\b",
        "law": r"\b(?:law|laws|bill|act|ban\w*|illegal|legal\w*|regulation\w*|ruled|"
        r"court|sentenced|convicted|fine[ds]?|sanction\w*|constitution\w*|mandatory)\b",
        "factual_verb": r"\b(?:was|were|has been|have been|had been|is|are)\s+\w+ed\b|\b\w+ed\b",
        "opinion": r"\b(?:i think|i believe|in my view|shame|wonderful|amazing|beautiful|"
        r"great day|terrible|disgrace\w*|unacceptable|absurd|ridiculous|hope|proud|"
        r"deserve\w*|incredible|fantastic)\b",
        "first_person_opinion": r"\b(?:i|we|i'm|we're)\b",
        "vague": r"\b(?:some|many|often|sometimes|probably|perhaps|maybe|seem\w*)\b",
    },
}
_COMPILED = {
    language: {name: re.compile(pattern, re.IGNORECASE) for name, pattern in patterns.items()}
    for language, patterns in _PATTERNS.items()
}
REASONS = {
    "number": "contains a figure",
    "date": "refers to a date",
    "attributed": "attributed to a speaker",
    "named_entity": "names a person, organisation or place",
    "comparison": "compares, ranks or describes a change",
    "causal": "states a cause or consequence",
    "prediction": "states a plan or prediction",
    "law": "refers to a law, rule or court decision",
    "factual_verb": "reports a completed event",
    "question": "is a question",
    "exclamation": "is an exclamation",
    "opinion": "expresses an opinion",
    "first_person_opinion": "speaks in the first person",
    "short": "is too short to check",
    "vague": "is vague",
}


@dataclass
class Assessment:
    score: float
    claim_type: str
    features: dict = field(default_factory=dict)

    @property
    def reasons(self):
        """Human-readable features, strongest first, with their signed weight."""
        ranked = sorted(self.features.items(), key=lambda item: -abs(item[1]))
        return [
            {"feature": name, "weight": weight, "reason": REASONS[name]} for name, weight in ranked
        ]


def assess(
    sentence,
    *,
    language="fr",
    has_number=False,
    has_date=False,
    attributed=False,
    has_entity=False,
    quote_only=False,
    has_future=False,
    reporting_cues=(),
):
    """Score what a sentence asserts (the quote itself, for a quote) given what extraction
    found in it; ``reporting_cues`` (« a déclaré ») are not facts and are left out."""
    patterns = _COMPILED.get(language, _COMPILED["fr"])
    stripped = sentence.strip()
    for cue in reporting_cues:
        if cue:
            stripped = stripped.replace(cue, " ")
    # Words inside a quotation are the speaker's: judge opinion on the whole, facts too.
    found = {
        "number": has_number,
        "date": has_date,
        "attributed": attributed,
        "named_entity": has_entity,
        "question": stripped.rstrip('"»” ').endswith("?"),
        "exclamation": stripped.rstrip('"»” ').endswith("!"),
        "short": len(stripped.split()) < 6,
    }
    for name in ("comparison", "causal", "prediction", "law", "factual_verb", "opinion", "vague"):
        found[name] = bool(patterns[name].search(stripped))
    found["prediction"] = found["prediction"] or has_future
    found["first_person_opinion"] = found["opinion"] and bool(
        patterns["first_person_opinion"].search(stripped)
    )
    features = {name: WEIGHTS[name] for name, present in found.items() if present}
    total = BIAS + sum(features.values())
    score = 1 / (1 + math.exp(-total))
    return Assessment(round(score, 3), _claim_type(found, quote_only), features)


def _claim_type(found, quote_only):
    if found["question"] or (found["opinion"] and not (found["number"] or found["date"])):
        return "opinion"
    if found["law"]:
        return "law"
    if found["number"]:
        return "quantity"
    if found["causal"]:
        return "causal"
    if found["prediction"] and not found["factual_verb"]:
        return "prediction"
    if found["date"]:
        return "event"
    if found["attributed"] or quote_only:
        return "statement"
    return "other"
