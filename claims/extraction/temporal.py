"""Temporal expressions, normalized against the publication date to ISO values.

Values: ``YYYY-MM-DD`` (day), ``YYYY-MM`` (month), ``YYYY`` (year), and an ISO interval
``start/end`` for lists of days (« les 7 et 8 juillet »). Only expressions that name a
calendar value are kept: a bare number is never a date, so decimals and scores are safe.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

FR_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
EN_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
FR_WEEKDAYS = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}
EN_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

PAST, PRESENT, FUTURE = "past", "present", "future"


@dataclass(frozen=True)
class TemporalExpression:
    start: int
    end: int
    text: str
    value: str
    granularity: str

    def as_dict(self):
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "granularity": self.granularity,
        }


def _alternation(words):
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_FR_MONTH = _alternation(FR_MONTHS)
_FR_DAY = _alternation(FR_WEEKDAYS)
_EN_MONTH = _alternation(m.capitalize() for m in EN_MONTHS)
_EN_DAY = _alternation(d.capitalize() for d in EN_WEEKDAYS)
_DAYNUM = r"(?:1er|[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# Only words that make a bare four-digit number a year: « et 2000 emplois » is no date.
_YEAR_CUE_FR = (
    r"(?:en|depuis|dès|d'ici|d’ici|jusqu'en|jusqu’en|avant|après|fin|début|courant|"
    r"mi-|l'an|l’an|l'année|l’année|entre|par rapport à|pour l'année)"
)
_YEAR_CUE_EN = r"(?:in|since|by|until|before|after|from|through|early|late|mid-)"

FR_PATTERNS = [
    # « les 7 et 8 juillet », « le 11 janvier dernier », « jeudi 29 juin 2017 »
    (
        "days",
        re.compile(
            rf"\b(?:(?:le|les|du|au|des|ce)\s+)?(?:(?:{_FR_DAY})\s+)?"
            rf"(?P<days>{_DAYNUM}(?:\s*(?:,|et|ou|au|-)\s*{_DAYNUM})*)\s+"
            rf"(?P<month>{_FR_MONTH})(?:\s+(?P<year>{_YEAR}))?"
            rf"(?:\s+(?P<rel>dernier|prochain))?\b",
            re.IGNORECASE,
        ),
    ),
    # « novembre 2016 », « en octobre 2016 »
    (
        "month_year",
        re.compile(
            rf"\b(?:(?:en|depuis|dès|début|fin|mi-|courant|d'ici)\s*)?"
            rf"(?P<month>{_FR_MONTH})\s+(?P<year>{_YEAR})\b",
            re.IGNORECASE,
        ),
    ),
    # « en avril », « depuis mars dernier »
    (
        "month",
        re.compile(
            rf"\b(?:en|depuis|dès|début|fin|mi-|courant|d'ici|jusqu'en|avant|après)\s*"
            rf"(?P<month>{_FR_MONTH})(?:\s+(?P<rel>dernier|prochain))?\b",
            re.IGNORECASE,
        ),
    ),
    # « entre 2014 et 2019 », « de 2010 à 2015 »
    (
        "year_range",
        re.compile(rf"\b(?:entre|de)\s+(?P<year>{_YEAR})\s+(?:et|à)\s+(?P<year2>{_YEAR})\b", re.I),
    ),
    # « en 2016 », « depuis 2015 », « l'année 2019 »
    (
        "year",
        re.compile(rf"\b{_YEAR_CUE_FR}\s*(?P<year>{_YEAR})\b(?!\s*(?:%|,\d|\.\d))", re.IGNORECASE),
    ),
    # « jeudi », « mardi dernier », « lundi prochain »
    (
        "weekday",
        re.compile(rf"\b(?P<weekday>{_FR_DAY})(?:\s+(?P<rel>dernier|prochain))?\b", re.IGNORECASE),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<relday>avant-hier|hier|aujourd'hui|aujourd’hui|après-demain|demain)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative_period",
        re.compile(
            r"\b(?P<period>cette année|l'an dernier|l’an dernier|l'année dernière|l’année dernière|"
            r"l'an prochain|l’an prochain|l'année prochaine|l’année prochaine|ce mois-ci|"
            r"le mois dernier|le mois prochain)\b",
            re.IGNORECASE,
        ),
    ),
]

EN_PATTERNS = [
    # « March 3, 2024 », « July 7 and 8 »
    (
        "days",
        re.compile(
            rf"\b(?:(?:{_EN_DAY}),?\s+)?(?P<month>{_EN_MONTH})\s+"
            rf"(?P<days>{_DAYNUM}(?:st|nd|rd|th)?(?:\s*(?:,|and|or|-|to)\s*{_DAYNUM}(?:st|nd|rd|th)?)*)"
            rf"(?:,?\s+(?P<year>{_YEAR}))?\b"
        ),
    ),
    # « 3 March 2024 »
    (
        "days",
        re.compile(
            rf"\b(?P<days>{_DAYNUM}(?:\s*(?:and|-)\s*{_DAYNUM})*)\s+(?P<month>{_EN_MONTH})"
            rf"(?:\s+(?P<year>{_YEAR}))?\b"
        ),
    ),
    (
        "year_range",
        re.compile(rf"\b(?:between|from)\s+(?P<year>{_YEAR})\s+(?:and|to)\s+(?P<year2>{_YEAR})\b"),
    ),
    (
        "month_year",
        re.compile(
            rf"\b(?:(?:in|since|by|until|early|late|mid-)\s*)?(?P<month>{_EN_MONTH})\s+(?P<year>{_YEAR})\b"
        ),
    ),
    (
        "month",
        re.compile(
            rf"\b(?:in|since|by|until|early|late|mid-|last|next)\s*(?P<month>{_EN_MONTH})\b"
        ),
    ),
    (
        "year",
        re.compile(rf"\b{_YEAR_CUE_EN}\s*(?P<year>{_YEAR})\b(?!\s*(?:%|\.\d))", re.IGNORECASE),
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<rel>last|next|on|this)\s+)?(?P<weekday>{_EN_DAY})\b"),
    ),
    ("relative", re.compile(r"\b(?P<relday>yesterday|today|tomorrow)\b", re.IGNORECASE)),
    (
        "relative_period",
        re.compile(r"\b(?P<period>(?:this|last|next) (?:year|month))\b", re.IGNORECASE),
    ),
]
_PERIODS = {
    "cette année": ("year", 0),
    "l'an dernier": ("year", -1),
    "l'année dernière": ("year", -1),
    "l'an prochain": ("year", 1),
    "l'année prochaine": ("year", 1),
    "ce mois-ci": ("month", 0),
    "le mois dernier": ("month", -1),
    "le mois prochain": ("month", 1),
    "this year": ("year", 0),
    "last year": ("year", -1),
    "next year": ("year", 1),
    "this month": ("month", 0),
    "last month": ("month", -1),
    "next month": ("month", 1),
}
# « entre 2014 et 2019 », « du 19 octobre au 4 novembre », "from 2020 to 2022"
_RANGE_OPEN = re.compile(r"(?:entre|du|de|from|between)\s*$", re.IGNORECASE)
_RANGE_JOIN = re.compile(
    r"^\s*(?:(?:et|à|au|and|to|through|until)\s+)?(?:(?:le|the)\s+)?$", re.IGNORECASE
)

_RELATIVE_DAYS = {
    "avant-hier": -2,
    "hier": -1,
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "demain": 1,
    "après-demain": 2,
    "yesterday": -1,
    "today": 0,
    "tomorrow": 1,
}


def _closest_year(published, month, day=1):
    """The year that puts ``month``/``day`` closest to the publication date."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, min(day, 28 if month == 2 else day)))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - published).days)).year


def _resolve_relative_month(published, month, rel, tense):
    if rel in ("dernier", "last") or (rel is None and tense == PAST):
        return published.year if month <= published.month else published.year - 1
    if rel in ("prochain", "next") or (rel is None and tense == FUTURE):
        return published.year if month > published.month else published.year + 1
    return _closest_year(published, month)


def _resolve_weekday(published, weekday, rel, tense):
    delta = (published.weekday() - weekday) % 7
    past = published - timedelta(days=delta)
    if rel in ("dernier", "last"):
        return past if delta else past - timedelta(days=7)
    if rel in ("prochain", "next") or tense == FUTURE:
        ahead = (weekday - published.weekday()) % 7 or 7
        return published + timedelta(days=ahead)
    return past


def _day_numbers(raw):
    return [
        int(n.lower().replace("er", "").rstrip("stndrh"))
        for n in re.findall(r"\d+(?:er|st|nd|rd|th)?", raw)
    ]


def _normalize(kind, match, published, tense, months, weekdays):
    groups = match.groupdict()
    rel = (groups.get("rel") or "").lower() or None
    if kind == "relative":
        day = published + timedelta(days=_RELATIVE_DAYS[groups["relday"].lower()])
        return day.isoformat(), "day"
    if kind == "weekday":
        if rel in ("on", "this"):
            rel = None
        day = _resolve_weekday(published, weekdays[groups["weekday"].lower()], rel, tense)
        return day.isoformat(), "day"
    if kind == "year":
        return groups["year"], "year"
    if kind == "year_range":
        return f"{groups['year']}/{groups['year2']}", "year"
    if kind == "relative_period":
        unit, offset = _PERIODS[groups["period"].lower().replace("’", "'")]
        if unit == "year":
            return str(published.year + offset), "year"
        month_index = published.year * 12 + published.month - 1 + offset
        return f"{month_index // 12}-{month_index % 12 + 1:02d}", "month"
    month = months[groups["month"].lower()]
    if kind == "month_year":
        return f"{groups['year']}-{month:02d}", "month"
    if kind == "month":
        return f"{_resolve_relative_month(published, month, rel, tense)}-{month:02d}", "month"
    days = _day_numbers(groups["days"])
    if groups.get("year"):
        year = int(groups["year"])
    elif rel:
        year = _resolve_relative_month(published, month, rel, tense)
        if rel in ("dernier", "last") and month == published.month and days[0] >= published.day:
            year -= 1
    else:
        year = _closest_year(published, month, days[0])
    try:
        values = [date(year, month, d) for d in days]
    except ValueError:
        return None
    if len(values) == 1:
        return values[0].isoformat(), "day"
    return f"{min(values).isoformat()}/{max(values).isoformat()}", "day"


def find_dates(text, published, language="fr", tense_at=None):
    """Temporal expressions in ``text``; ``tense_at(offset)`` gives the tense near an offset."""
    patterns = EN_PATTERNS if language == "en" else FR_PATTERNS
    months = EN_MONTHS if language == "en" else FR_MONTHS
    weekdays = EN_WEEKDAYS if language == "en" else FR_WEEKDAYS
    found, taken = [], []
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            if published is None and kind not in ("year", "month_year"):
                continue
            tense = tense_at(start) if tense_at else PAST
            normalized = _normalize(kind, match, published, tense, months, weekdays)
            if normalized is None:
                continue
            taken.append((start, end))
            found.append(TemporalExpression(start, end, match.group(0), *normalized))
    return _merge_ranges(text, sorted(found, key=lambda t: t.start))


def _merge_ranges(text, found):
    """Join « entre 2014 » and « et 2019 » into one interval ``2014/2019``."""
    merged = []
    for expression in found:
        previous = merged[-1] if merged else None
        if (
            previous
            and previous.granularity == expression.granularity
            and "/" not in previous.value + expression.value
            and _RANGE_JOIN.match(text[previous.end : expression.start] + "")
            and re.match(r"^(?:et|à|au|and|to|through|until)\b", expression.text, re.I)
            or previous
            and previous.granularity == expression.granularity
            and "/" not in previous.value + expression.value
            and re.fullmatch(
                r"\s+(?:et|à|au|and|to|through|until)\s+(?:(?:le|the)\s+)?",
                text[previous.end : expression.start],
                re.I,
            )
        ) and (
            _RANGE_OPEN.search(text[max(0, previous.start - 12) : previous.start])
            or re.match(r"^(?:entre|du|de|from|between)\b", previous.text, re.I)
        ):
            merged[-1] = TemporalExpression(
                previous.start,
                expression.end,
                text[previous.start : expression.end],
                f"{previous.value}/{expression.value}",
                previous.granularity,
            )
            continue
        merged.append(expression)
    return merged
