"""Benchmark: quote verification on a ~100 kB French page, against ``str.find`` on the same
text in the same run.

    .venv/bin/python bench/quote_verification.py [--repeat 30] [--size 100000]

The page is generated (fixed seed) with a paragraph planted in its middle. Each quote is
verified ``--repeat`` times against the page normalized beforehand, as ``verify_quotes`` does
for every quote after the first, and the median and max are printed; normalizing the page is
timed on its own, and so is a whole ``verify_quote`` call (normalization included).
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from claims.checking.quotes import (  # noqa: E402 - after the path is set; no Django needed
    _Page,
    _verify,
    normalize_for_matching,
    verify_quote,
    verify_quotes,
)

SUBJECTS = [
    "Le gouvernement",
    "La ministre du Travail",
    "Le président de la République",
    "L’opposition",
    "Les syndicats",
    "Le maire de Lyon",
    "La Cour des comptes",
    "L’Insee",
    "Le porte-parole du gouvernement",
    "La députée de la Gironde",
]
VERBS = ["a annoncé", "a estimé", "a rappelé", "affirme", "a démenti", "a confirmé", "précise"]
PEOPLE = ["Élisabeth Borne", "Bruno Le Maire", "Gérald Darmanin", "Olivier Véran", "Anne Hidalgo"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre"]
TOPICS = [
    "une hausse de {n}\u00a0% du budget de la santé",
    "la suppression de {n}\u202f000 postes d’ici {year}",
    "un plan de relance de {n},{d} milliards d’euros",
    "la réforme des retraites, qui repousse l’âge légal à {age} ans",
    "une baisse de {d}\u00a0% du chômage sur un an",
    "l’ouverture de {n} centres de santé dans les zones rurales",
    "le gel du point d’indice des fonctionnaires jusqu’en {year}",
]
QUOTES = [
    "Nous ne reculerons pas devant les difficultés",
    "Cette mesure est juste et nécessaire",
    "Les chiffres parlent d’eux-mêmes",
    "Personne ne peut nier que la situation s’améliore",
    "Il faut aller plus loin et plus vite",
]
PLANTED = (
    "Interrogée le 8 juillet sur France Inter, Élisabeth Borne a été claire\u00a0: « Le "
    "gouvernement n’a jamais accepté de repousser la réforme au-delà de 2027, et 80\u00a0% des "
    "économies prévues seront réalisées dès l’an prochain. » Les 8 et 9 juillet, "
    "180\u202f000 manifestants ont défilé selon le ministère de l’Intérieur."
)
CASES = [
    ("exact (typography)", "Le gouvernement n'a jamais accepté de repousser la réforme"),
    (
        "approximate (word dropped)",
        "Le gouvernement n'a jamais accepté de repousser la réforme 2027",
    ),
    ("approximate (typo)", "80 % des économies prévues seront réalisés dès l'an prochain"),
    ("altered (date)", "Les 7 et 8 juillet, 180 000 manifestants ont défilé"),
    ("altered (percentage)", "60 % des économies prévues seront réalisées dès l'an prochain"),
    ("altered (negation)", "Le gouvernement a accepté de repousser la réforme au-delà de 2027"),
    ("absent (short)", "La baisse des impôts profitera à tous"),
    (
        "approximate (long, 330 chars)",  # over 300 characters: head and tail placed first
        PLANTED.replace("’", "'")
        .replace("l'an prochain", "l'année prochaine")
        .replace("\u00a0", " "),
    ),
    (
        "absent (long)",
        "Nous avons toujours défendu une école publique gratuite, laïque et ouverte à tous, et "
        "nous continuerons à le faire quelles que soient les pressions budgétaires des années "
        "à venir, parce que c'est la condition de l'égalité des chances dans notre pays.",
    ),
]


def sentence(rng: random.Random) -> str:
    when = f"le {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2015, 2024)}"
    if rng.random() < 0.3:
        return f"« {rng.choice(QUOTES)} », a déclaré {rng.choice(PEOPLE)} {when}."
    topic = rng.choice(TOPICS).format(
        n=rng.randint(2, 90), d=rng.randint(1, 9), year=rng.randint(2025, 2030), age=64
    )
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}, {when}, {topic}."


def french_page(size: int, seed: int = 7) -> str:
    """Paragraphs of generated news sentences, about ``size`` characters, PLANTED mid-page."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    length = 0
    while length < size:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    paragraphs.insert(len(paragraphs) // 2, PLANTED)
    return "\n\n".join(paragraphs)


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    page = french_page(args.size)
    verify_quotes([case for _, case in CASES], page)  # warm-up: imports, regex compilation
    print(f"page: {len(page)} characters, {len(page.encode())} bytes, repeat={args.repeat}")

    normalize = timed(lambda: normalize_for_matching(page), args.repeat)
    prepared = _Page(page, *normalize_for_matching(page))
    print(f"normalize the page once: median {statistics.median(normalize):.2f} ms")
    print(
        f"\n{'case (expected verdict)':31} {'verdict':12} {'score':>6} {'median ms':>10} "
        f"{'max ms':>8} {'find µs':>8} {'ratio':>8} {'1 call ms':>9}"
    )
    slowest = 0.0
    for label, quote in CASES:
        verdict = verify_quote(quote, page)
        # What verify_quotes spends on each quote once the page is normalized.
        per_quote = timed(lambda quote=quote: _verify(quote, prepared, 85.0, 70.0), args.repeat)
        finds = timed(lambda quote=quote: page.find(quote), args.repeat)
        single = timed(lambda quote=quote: verify_quote(quote, page), 3)
        median, find = statistics.median(per_quote), statistics.median(finds)
        slowest = max(slowest, max(per_quote))
        unexpected = "" if label.startswith(verdict.verdict) else " (unexpected)"
        print(
            f"{label:31} {verdict.verdict + unexpected:12} {verdict.score:6.1f} {median:10.2f} "
            f"{max(per_quote):8.2f} {find * 1000:8.1f} {median / find:7.1f}× "
            f"{statistics.median(single):9.2f}"
        )
    batch = timed(lambda: verify_quotes([quote for _, quote in CASES], page), args.repeat)
    print(
        f"\nall {len(CASES)} quotes in one verify_quotes call (page normalized once): "
        f"median {statistics.median(batch):.2f} ms, max {max(batch):.2f} ms"
    )
    print(f"slowest quote once the page is normalized: {slowest:.2f} ms (target < 50 ms)")
    print("ratio: median verification time / median str.find of the quote on the same page")


if __name__ == "__main__":
    main()
