"""Numbers as news copy writes them.

« 800.000 », « 180 000 », « 2,5 % », « 79 millions de dollars », "$1.5 billion".
"""

import math
import re
from dataclasses import dataclass

from .spans import Span, Spans

_SEP = r"[\u00a0\u202f ]"
_SCALES = {
    "mille": 1e3,
    "millier": 1e3,
    "milliers": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "thousand": 1e3,
    "million ": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "trillion": 1e12,
}
_FR_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<num>\d{{1,3}}(?:(?:\.|{_SEP})\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w])"
    rf"(?:{_SEP}*(?P<scale>milliers|millier|mille|millions|million|milliards|milliard)\b)?"
    rf"(?:{_SEP}*(?P<unit>%|pour{_SEP}cent|€|\$|(?:d'|d’|de{_SEP}+)?(?:euros?|dollars?)))?",
)
_EN_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<currency>[$€£])?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w])"
    rf"(?:{_SEP}*(?P<scale>thousand|millions?|billions?|trillion)\b)?"
    rf"(?:{_SEP}*(?P<unit>%|percent|per{_SEP}cent|euros?|dollars?|pounds?))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    text: str
    value: float
    unit: str

    def as_dict(self):
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": value,
            "unit": self.unit,
        }


def _unit(raw):
    raw = (raw or "").lower()
    if raw in ("%",) or "cent" in raw:
        return "percent"
    if "euro" in raw or raw == "€":
        return "EUR"
    if "dollar" in raw or raw == "$":
        return "USD"
    if "pound" in raw or raw == "£":
        return "GBP"
    return ""


def find_numbers(text, language="fr", exclude=()):
    """Numbers with their value (scaled) and unit; spans in ``exclude`` (dates) are skipped."""
    pattern = _EN_NUMBER if language == "en" else _FR_NUMBER
    found = []
    excluded = Spans(Span(a, b) for a, b in exclude)
    for match in pattern.finditer(text):
        start, end = match.span()
        if excluded.overlaps(start, end):
            continue
        raw = match.group("num")
        if language == "en":
            value = float(raw.replace(",", ""))
        else:
            value = float(re.sub(rf"(?:\.|{_SEP})", "", raw).replace(",", "."))
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= _SCALES.get(scale, _SCALES.get(scale.rstrip("s"), 1))
        if not math.isfinite(value):  # 320 nines: no figure anyone checks, and no JSON value
            continue
        unit = _unit(match.group("unit") or (match.groupdict().get("currency") or ""))
        text_span = text[start:end].rstrip()
        found.append(Number(start, start + len(text_span), text_span, value, unit))
    return found
