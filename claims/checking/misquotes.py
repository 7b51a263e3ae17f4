"""What makes a passage close to a quote a misquote: a figure, a negation, a date or a name
that differs. No Django, like claims.checking.quotes, which calls it on its closest passage."""

import re
import unicodedata
from collections import Counter
from decimal import Decimal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

_Found = list[tuple[str, str]]  # what a difference is about (a figure...): key, as written


# A sign counts only before a figure that starts a word: « -0,3 % », not the dash of « 2-3 ».
_NOT_BEFORE_A_SIGN = r"\w.,)\]%+-"
_NUMERAL = re.compile(
    rf"(?:(?<![{_NOT_BEFORE_A_SIGN}])(?P<sign>[-+]))?"
    r"(?<![\d.,])(?:\d{1,3}(?P<sep>[ .])\d{3}(?:(?P=sep)\d{3})*(?:,\d+)?"  # 180 000, 800.000
    r"|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?"  # 1,000,000
    r"|\d+(?:[.,]\d+)?)(?!\d)"  # 2019, 2,5, 3.14
)
_NOT_BEFORE_A_SIGN_RE = re.compile(f"[{_NOT_BEFORE_A_SIGN}]")
_WORD = re.compile(r"[^\W\d_]+")
# fmt: off
_NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "cent": 100, "cents": 100, "mille": 1000, "two": 2, "three": 3, "four": 4, "five": 5,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
}
_NUMBER_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# Number words a space or a hyphen apart make one number: « deux cents », « vingt et un »,
# « dix-sept », but « sept et huit » are two.
_NUMBER_RUN = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:[- ](?:{_NUMBER_WORD}|une?|one|et[- ](?:une?|onze)|and[- ]one))*\b"
)
# A figure's magnitude word is part of the figure: « 2 millions » is not « 2 milliards ».
_MAGNITUDES = {"million": "million", "millions": "million", "milliard": "milliard",
               "milliards": "milliard", "billion": "billion", "billions": "billion"}
_CALENDAR = {
    word: f"{kind}{i % period}"
    for kind, period, words in (
        ("month", 12, "janvier février mars avril mai juin juillet août septembre octobre"
         " novembre décembre january february march april may june july august september"
         " october november december"),
        ("day", 7, "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday"
         " wednesday thursday friday saturday sunday"),
    )
    for i, word in enumerate(words.split())
} | {"fevrier": "month1", "aout": "month7", "decembre": "month11"}
# fmt: on
# French negation is ne/n' … pas/jamais/…, one clause counted once (« plus » and « personne »
# are left out: without « ne » they mean more and a person; with it, « ne » counts).
_FRENCH_NE = re.compile(r"\bne\b|\bn'(?=\w)")
_FRENCH_NEGATORS = re.compile(r"\b(?:pas|jamais|aucune?|rien|guère|nullement)\b")
# « dé- » is left out: « placer » and « déplacer », « montrer » and « démontrer » are no opposites.
# « non- » is no prefix here: « non-respect » is two words, and « non » a negation already.
_NEGATING_PREFIXES = {"in", "im", "il", "ir", "dés", "mal", "un", "dis"}
# Words whose prefixed form is their opposite, in their dictionary form. A list, not a rule:
# the prefix alone makes « discours » of « cours », « information » of « formation ».
# fmt: off
_NEGATABLE = frozenset(
    """
    juste possible exact égal légal légitime réaliste responsable acceptable capable compétent
    cohérent efficace utile connu certain constitutionnel conforme correct fondé honnête
    populaire favorable probable supportable sincère transparent démocratique logique moral
    normal officiel réel régulier stable dépendant visible contestable croyable vraisemblable
    équitable humain volontaire sensé satisfaisant suffisant tolérable habituel raisonnable
    précis complet accord avantage égalité justice sécurité stabilité certitude capacité
    efficacité légalité responsabilité compétence cohérence dépendance tolérance activité actif
    exactitude honnêteté
    fair true happy able likely lawful legal possible responsible accurate correct fortunate
    honest justified acceptable constitutional democratic known sustainable stable popular
    affordable safe sure clear equal official reasonable employment employed agree approve
    advantage trust loyal capable competent consistent credible effective efficient relevant
    eligible dependent visible valid regular rational moral convenient healthy precise complete
    certain secure security equality justice fairness
""".split()  # noqa: SIM905 - a word list reads better as words
)
# fmt: on
# A closed « non » compound (« nonviolente », « nonprofit ») is the negation « non-violente »
# and « non-profit » carry, but not a word that only starts with « non » (« nonchalant »).
# By stem, with or without accents: nonante, nonantième; nonagénaire, nonagenarian, nonages,
# nonagone; nonchalant; nonobstant; nonetheless; nonsense; nonpareil; nonillion; nonuple;
# nonplussed; nonne, nonnette. « nonagression » stays a negation.
_NON_WORDS = "ant|ag[eé]n|ages|agon|chal|obstant|etheless|sens|pareil|illion|uple|pluss|n"
_OTHER_NEGATORS = re.compile(
    r"\b(?:non|not|never|no|none|nobody|nothing|nor|cannot)\b|n't\b"
    rf"|\bnon(?!{_NON_WORDS})\w{{4,}}"
)


def differences(quote: str, wanted: str, page, begin: int, finish: int) -> tuple[str, ...]:
    """What sets norm[begin:finish] apart from the quote: figures, negation, dates, names."""
    start, end = page.span(begin, finish)
    passage, passage_norm = page.text[start:end], page.norm[begin:finish]
    found = _compare("number", _numbers(wanted), _numbers(passage_norm))
    (said, said_markers), (written, written_markers) = _negation(wanted), _negation(passage_norm)
    if said != written:
        found.append(f"negation: {said_markers or '(none)'} → {written_markers or '(none)'}")
    found += _opposites(wanted, passage_norm)
    quote, passage = unicodedata.normalize("NFKC", quote), unicodedata.normalize("NFKC", passage)
    found += _compare("date", _calendar(quote), _calendar(passage))
    return (*found, *_swapped_names(quote, passage, page))


def _compare(label: str, said: _Found, written: _Found) -> list[str]:
    """(key, as written) lists compared as multisets; as many on each side are paired in order."""
    extra, missing = Counter(k for k, _ in said), Counter(k for k, _ in written)
    if extra == missing:
        return []
    if len(said) == len(written):
        pairs = zip(said, written, strict=True)
        return [f"{label}: {a} → {b}" for (k, a), (m, b) in pairs if k != m]
    left = ", ".join(dict(said)[k] for k in (extra - missing).elements()) or "(none)"
    right = ", ".join(dict(written)[k] for k in (missing - extra).elements()) or "(none)"
    return [f"{label}: {left} → {right}"]


def _numbers(norm: str) -> _Found:
    """Figures in normalized text, in order, as (value, as written): digits in French or English
    formats, number words (« quatre-vingt-dix », « sept ») and magnitudes (« millions »)."""
    found = []
    for match in _NUMERAL.finditer(norm):
        sign, sep = match.group("sign") or "", match.group("sep")
        raw = match.group()[len(sign) :]
        raw = raw.replace(sep, "") if sep else raw.replace(",", "" if raw.count(",") > 1 else ".")
        value = format(Decimal(raw.replace(",", ".")).normalize(), "f")
        if sign == "-" and value != "0":  # « +0,3 » is 0,3, « -0,3 » another figure
            value = f"-{value}"
        found.append((match.start(), value, match.group()))
    for match in _NUMBER_RUN.finditer(norm):
        total = current = 0
        for word in re.split(r"[- ]", match.group()):
            value = _NUMBER_WORDS.get(word, word in ("un", "une", "one"))
            if value == 1000:
                total, current = total + max(current, 1) * 1000, 0
            elif value == 100:
                current = max(current, 1) * 100
            else:  # quatre-vingt is four twenties
                current += 76 if value == 20 and current % 100 == 4 else value
        found.append((match.start(), str(total + current), match.group()))
    for match in _WORD.finditer(norm):
        if magnitude := _lookup(match.group(), _MAGNITUDES):
            found.append((match.start(), magnitude, match.group()))
    return [(value, shown) for _, value, shown in sorted(found)]


def figures_in(norm: str) -> list[str]:
    """The figures of normalized text, as values: « 7,1 % » is 7.1, « 180 000 » is 180000."""
    return [value for value, _shown in _numbers(norm)]


def negations_in(norm: str) -> int:
    """How many negations normalized text holds (« n'a pas augmenté » holds one)."""
    return _negation(norm)[0]


def _negation(norm: str) -> tuple[int, str]:
    """How many negations the text holds, and their markers."""
    ne, adverbs = _FRENCH_NE.findall(norm), _FRENCH_NEGATORS.findall(norm)
    others = _OTHER_NEGATORS.findall(norm)
    return max(len(ne), len(adverbs)) + len(others), " ".join(ne + adverbs + others)


def _opposites(said: str, written: str) -> list[str]:
    """Words one text has where the other has them with a negating prefix that makes their
    opposite: « juste » and « injuste », « possibles » and « impossibles », « fair » and
    « unfair »; not « cours » and « discours »."""
    quoted, paged = Counter(_WORD.findall(said)), Counter(_WORD.findall(written))
    extra, missing = quoted - paged, paged - quoted
    found = []
    for word in extra:
        for other in missing:
            base, negated = sorted((word, other), key=len)
            prefix = negated[: len(negated) - len(base)]
            if negated.endswith(base) and prefix in _NEGATING_PREFIXES and _negatable(base):
                found.append(f"negation: {word} → {other}")
    return found


def _negatable(word: str) -> bool:
    """Whether ``word``, inflected or not (« légales », « égaux », « fairly »), is listed."""
    forms = {word}
    for ending, replacement in _INFLECTIONS:
        if word.endswith(ending):
            forms.add(word[: len(word) - len(ending)] + replacement)
    return not forms.isdisjoint(_NEGATABLE)


_INFLECTIONS = (("aux", "al"), ("elles", "el"), ("elle", "el"), ("es", ""), ("s", ""), ("e", ""))
_INFLECTIONS += (("ly", ""), ("ily", "y"))


def _calendar(text: str) -> _Found:
    # Lowercase « may » and « march » are English verbs, not months.
    words = [w for w in _WORD.findall(text) if w[0].isupper() or w not in ("may", "march")]
    return [(key, w) for w in words if (key := _lookup(w.casefold(), _CALENDAR))]


def _lookup(word: str, table: dict[str, str]) -> str | None:
    """table[word], or the entry of 5+ letters one typo away: « avrl » is a typo, not no date."""
    if word in table or len(word) < 4:
        return table.get(word)
    keys = [key for key in table if len(key) > 4 and key != "march"]  # not « marche »
    typo = process.extractOne(word, keys, scorer=Levenshtein.distance, score_cutoff=1)
    return table[typo[0]] if typo else None


def _swapped_names(quote: str, passage: str, page) -> list[str]:
    """Names in each text sharing no word with the other (« Macron » is « Emmanuel Macron »);
    a misspelling is not another name, and a name added or left out is no swap."""
    in_quote, in_passage = _words(quote), _words(passage)
    said = [n for n in _names(quote, passage, page) if in_passage.isdisjoint(_words(n))]
    written = [n for n in _names(passage, quote, page) if in_quote.isdisjoint(_words(n))]
    said = [n for n in said if all(fuzz.ratio(n.casefold(), w.casefold()) < 85 for w in written)]
    return [f"name: {', '.join(said)} → {', '.join(written)}"] if said and written else []


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _names(text: str, other: str, page) -> list[str]:
    """Runs of capitalized words that are names: not common words written in lowercase nearby,
    and at a sentence start only if the page also capitalizes them mid-sentence."""
    lowercase = {w for w in _WORD.findall(text + " " + other) if w[0].islower()}
    names: list[str] = []
    begin = end = -1
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[0].isupper() or word.casefold() in lowercase | _CALENDAR.keys():
            continue
        before = text[: match.start()].rstrip()
        if (not before or before[-1] in '.!?…:;«"“—–') and not _named_elsewhere(word, page):
            continue
        if names and text[end : match.start()] in (" ", "-", "\u00a0"):  # Jean-Luc Mélenchon
            names[-1] = text[begin : match.end()]
        else:
            names.append(word)
            begin = match.start()
        end = match.end()
    return names


def _named_elsewhere(word: str, page) -> bool:
    if word not in page.names:
        page.names[word] = any(
            (before := page.text[max(0, m.start() - 4) : m.start()].rstrip(" \t\u00a0\u202f"))
            and (before[-1].isalnum() or before[-1] in ",;'’")
            for m in re.finditer(rf"\b{re.escape(word)}\b", page.text)
        )
    return page.names[word]


def is_sign(text: str, at: int) -> bool:
    """Whether the + or - at ``text[at]`` is a figure's sign, not a hyphen (« 2-3 »)."""
    return at == 0 or not _NOT_BEFORE_A_SIGN_RE.match(text[at - 1])
