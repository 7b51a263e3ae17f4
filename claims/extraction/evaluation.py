"""Score the extraction against a hand-annotated gold set (``tests/gold/*.json``)."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..models import normalize_name
from .pipeline import extract


@dataclass
class Scores:
    claims_predicted: int = 0
    claims_gold: int = 0
    claims_true_positive_predicted: int = 0
    claims_found: int = 0
    speakers_gold: int = 0
    speakers_correct: int = 0
    dates_gold: int = 0
    dates_correct: int = 0
    misses: list = field(default_factory=list)

    def add(self, other):
        for name in self.__dataclass_fields__:
            if name != "misses":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @property
    def precision(self):
        return (
            self.claims_true_positive_predicted / self.claims_predicted
            if self.claims_predicted
            else 0.0
        )

    @property
    def recall(self):
        return self.claims_found / self.claims_gold if self.claims_gold else 0.0

    @property
    def speaker_accuracy(self):
        return self.speakers_correct / self.speakers_gold if self.speakers_gold else 0.0

    @property
    def date_accuracy(self):
        return self.dates_correct / self.dates_gold if self.dates_gold else 0.0

    def summary(self):
        return {
            "claim_precision": round(self.precision, 3),
            "claim_recall": round(self.recall, 3),
            "speaker_accuracy": round(self.speaker_accuracy, 3),
            "date_accuracy": round(self.date_accuracy, 3),
            "claims": f"{self.claims_found}/{self.claims_gold} found, "
            f"{self.claims_true_positive_predicted}/{self.claims_predicted} predicted right",
            "speakers": f"{self.speakers_correct}/{self.speakers_gold}",
            "dates": f"{self.dates_correct}/{self.dates_gold}",
        }


def _locate_in_order(text, needles):
    spans, cursor = [], 0
    for needle in needles:
        position = text.find(needle, cursor)
        if position < 0:
            position = text.find(needle)
        spans.append((position, position + len(needle)))
        if position >= 0:
            cursor = position + 1
    return spans


def _overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def same_speaker(predicted, gold):
    if not predicted:
        return False
    a, b = normalize_name(predicted).split(), normalize_name(gold).split()
    short, long_ = sorted((a, b), key=len)
    return bool(short) and long_[-len(short) :] == short


def score_document(gold, threshold=None):
    text = gold["text"]
    kwargs = {} if threshold is None else {"threshold": threshold}
    extraction = extract(
        text,
        language=gold["language"],
        published=date.fromisoformat(gold["published"]),
        **kwargs,
    )
    scores = Scores()
    gold_claims = [(text.find(s), text.find(s) + len(s)) for s in gold["checkworthy"]]
    predicted = [(c.start, c.end) for c in extraction.claims]
    scores.claims_gold, scores.claims_predicted = len(gold_claims), len(predicted)
    for span in predicted:
        if any(_overlap(span, g) > 0.5 * (g[1] - g[0]) for g in gold_claims):
            scores.claims_true_positive_predicted += 1
        else:
            scores.misses.append(("false claim", text[span[0] : span[1]]))
    for g in gold_claims:
        if any(_overlap(span, g) > 0.5 * (g[1] - g[0]) for span in predicted):
            scores.claims_found += 1
        else:
            scores.misses.append(("missed claim", text[g[0] : g[1]]))

    quotes = [q for q in gold["quotes"] if q.get("speaker")]
    for quote, span in zip(
        quotes, _locate_in_order(text, [q["text"] for q in quotes]), strict=True
    ):
        scores.speakers_gold += 1
        candidates = [q for q in extraction.quotes if _overlap((q.start, q.end), span) > 0]
        best = max(candidates, key=lambda q: _overlap((q.start, q.end), span), default=None)
        name = best.speaker.name if best and best.speaker else None
        if same_speaker(name, quote["speaker"]):
            scores.speakers_correct += 1
        else:
            scores.misses.append(
                ("speaker", f"{quote['text'][:60]!r}: {name} ≠ {quote['speaker']}")
            )

    dates = gold["dates"]
    for expected, span in zip(
        dates, _locate_in_order(text, [d["text"] for d in dates]), strict=True
    ):
        scores.dates_gold += 1
        found = [d for d in extraction.dates if _overlap((d.start, d.end), span) > 0]
        if any(
            d.value == expected["value"] and d.granularity == expected["granularity"] for d in found
        ):
            scores.dates_correct += 1
        else:
            got = [(d.text, d.value) for d in found]
            scores.misses.append(("date", f"{expected['text']!r} → {expected['value']}, got {got}"))
    return scores


def score_gold_set(folder, threshold=None):
    """Scores per file and in total for every ``*.json`` gold file in ``folder``."""
    per_file, total = {}, Scores()
    for path in sorted(Path(folder).glob("*.json")):
        scores = score_document(json.loads(path.read_text()), threshold)
        per_file[path.stem] = scores
        total.add(scores)
    return per_file, total
