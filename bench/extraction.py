"""Benchmark: extraction throughput against spaCy's own ``nlp.pipe`` in the same run, and the
peak memory of a process with the model loaded.

    .venv/bin/python bench/extraction.py [--rounds 3] [--copies 10]

The texts are the gold set (tests/gold/*.json), each repeated ``--copies`` times. Both
sides see the same texts in the same process, after a warm-up, and the best round counts.

Then one long French text, the French gold texts end to end, cut at 25,000 characters and at
the most an import takes (``MAX_CHARACTERS``): the same ratio tells whether the extraction's own
work grows faster than the text, as it did when every sentence scanned every entity.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


def load_texts(copies):
    gold = sorted((PROJECT_DIR / "tests" / "gold").glob("*.json"))
    texts = [json.loads(path.read_text()) for path in gold]
    return [(t["text"], t["language"], t["published"]) for t in texts] * copies


def peak_rss_mb():
    """VmHWM of this process: unlike ru_maxrss it does not inherit the parent's peak on exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_worker_memory():
    """Run in a child: what a worker holds once the model is loaded and has worked."""
    import django

    django.setup()
    from datetime import date

    import factcheck.celery  # noqa: F401 - a worker imports the Celery app too
    from claims.extraction import extract

    # Language left to the detector, as in an import where nobody chose it.
    for text, _language, published in load_texts(1):
        extract(text, published=date.fromisoformat(published))
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb())}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--worker-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_memory:
        return measure_worker_memory()

    import django

    django.setup()
    from datetime import date

    from claims.extraction import extract
    from claims.extraction.nlp import pipeline

    texts = load_texts(args.copies)
    words = sum(len(text.split()) for text, _, _ in texts)
    french = [text for text, language, _ in texts if language == "fr"]
    english = [text for text, language, _ in texts if language == "en"]
    nlp_fr, nlp_en = pipeline("fr"), pipeline("en")
    for text, language, published in texts[:3]:  # warm-up: models, detector, regexes
        extract(text, language=language, published=date.fromisoformat(published))

    baseline, full = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for _doc in nlp_fr.pipe(french):
            pass
        for _doc in nlp_en.pipe(english):
            pass
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        for text, language, published in texts:
            extract(text, language=language, published=date.fromisoformat(published))
        full.append(time.perf_counter() - started)
    best_baseline, best_full = min(baseline), min(full)
    child = subprocess.run(
        [sys.executable, __file__, "--worker-memory"], capture_output=True, text=True, check=True
    )
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"texts: {len(texts)} ({len(french)} fr, {len(english)} en), {words:,} words")
    print(f"spaCy nlp.pipe alone: {words / best_baseline:,.0f} words/s ({best_baseline:.2f} s)")
    print(f"whole extraction:     {words / best_full:,.0f} words/s ({best_full:.2f} s)")
    print(f"ratio extraction / nlp.pipe: {best_baseline / best_full:.0%} (goal: at least 70%)")
    print(f"articles per minute on one process: {len(texts) / best_full * 60:,.0f}")
    print(f"peak memory of a worker process with the model loaded: {memory['peak_rss_mb']} MB")

    from claims.extraction.pipeline import MAX_CHARACTERS

    joined = "\n\n".join(french) + "\n\n"
    for size in (25_000, MAX_CHARACTERS):
        text = (joined * (size // len(joined) + 1))[:size]
        spacy_alone, whole = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            nlp_fr(text)
            spacy_alone.append(time.perf_counter() - started)
            started = time.perf_counter()
            extract(text, language="fr")
            whole.append(time.perf_counter() - started)
        print(
            f"one text of {size:,} characters: spaCy alone {min(spacy_alone):.2f} s, "
            f"whole extraction {min(whole):.2f} s, ratio {min(spacy_alone) / min(whole):.0%}"
        )


if __name__ == "__main__":
    main()
