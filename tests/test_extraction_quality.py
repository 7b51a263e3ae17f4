"""Extraction quality on the hand-annotated gold set (tests/gold/): the figures the docs report.

Targets at the default threshold: claim recall ≥ 0.9 and precision ≥ 0.8, speaker accuracy on
quotes ≥ 0.85, date normalization ≥ 0.9.
"""

import pytest

from claims.extraction.evaluation import score_gold_set

from .conftest import PROJECT_DIR

GOLD = PROJECT_DIR / "tests" / "gold"


@pytest.fixture(scope="module")
def scores():
    per_file, total = score_gold_set(GOLD)
    print()
    for name, file_scores in per_file.items():
        print(f"{name}: {file_scores.summary()}")
    print(f"TOTAL: {total.summary()}")
    return per_file, total


def test_the_gold_set_covers_french_and_english(scores):
    per_file, total = scores
    assert sum(name.startswith("fr-") for name in per_file) >= 6
    assert sum(name.startswith("en-") for name in per_file) >= 2
    assert total.claims_gold >= 60 and total.speakers_gold >= 50 and total.dates_gold >= 50


def test_claim_recall_and_precision(scores):
    _, total = scores
    assert total.recall >= 0.9
    assert total.precision >= 0.8


def test_speaker_accuracy_on_quotes(scores):
    _, total = scores
    assert total.speaker_accuracy >= 0.85


def test_date_normalization_accuracy(scores):
    _, total = scores
    assert total.date_accuracy >= 0.9
