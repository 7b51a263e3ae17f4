"""Find a quotation in a source page's text and say whether it is there verbatim, reworded,
altered (a figure, a date, a name or a negation differs) or absent. No Django: a worker's
check and the benchmark import this module directly."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

EXACT, APPROXIMATE, ALTERED, ABSENT = "exact", "approximate", "altered", "absent"

# Quote marks become spaces, so « non » and "non" both read " non " once spaces collapse.
_QUOTE_MARKS = frozenset('"«»“”„‟‹›〝〞〟＂')
# These are apostrophes between two letters (l’État) and quote marks anywhere else (‘non’).
_APOSTROPHES = frozenset("'‘’‚‛ʼ′`´")
_DASHES = frozenset("‐‑‒–—―−﹘﹣－")
# No space before these: French puts one before :;!?%, a dropped « » one before a comma.
_TIGHT = ":;!?%,.)]"
_COMBINING = "\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Text that NFKC and casefold change one char for one char is copied in bulk, which keeps
# normalizing a 100 kB page fast: printable ASCII but ' " `, and Latin-1 letters but ß ("ss").
_ASCII = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "'\"`")
_LATIN = "À-Þà-ÿŒœ"
_PLAIN = re.compile(
    rf"[{re.escape(_ASCII)}{_LATIN}]+"
    rf"(?: [{re.escape(''.join(c for c in _ASCII if c not in _TIGHT))}{_LATIN}]"
    rf"[{re.escape(_ASCII)}{_LATIN}]*)*(?![{_COMBINING}])"
)
_EDGE_PUNCTUATION = " .,;:!?-"  # a quote's closing period is the quoting writer's
_Passage = tuple[int, int, float, tuple[str, ...]]  # begin, finish, score, differences
_Found = list[tuple[str, str]]  # what a difference is about (a figure...): key, as written


@dataclass(frozen=True)
class QuoteVerdict:
    quote: str
    verdict: str  # "exact" | "approximate" | "altered" | "absent"
    score: float  # 0..100 similarity of the best passage (100 for exact)
    matched_text: str  # passage of the original source text, "" when absent
    start: int | None
    end: int | None
    differences: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """JSON-ready fields, as stored with a source check."""
        return {**asdict(self), "differences": list(self.differences)}


def normalize_for_matching(text: str) -> tuple[str, list[int]]:
    """Casefolded NFKC text with uniform quotes, apostrophes, dashes and spaces, and for each of
    its characters the index of the original character it comes from."""
    out: list[str] = []
    index: list[int] = []
    i = 0
    for plain in (*_PLAIN.finditer(text), None):
        while i < (plain.start() if plain else len(text)):
            j = i + 1  # a base character and its combining marks normalize together (e + ◌́ → é)
            while j < len(text) and unicodedata.combining(text[j]):
                j += 1
            for char in unicodedata.normalize("NFKC", text[i:j]).casefold():
                if char in _APOSTROPHES and 0 < i < len(text) - 1 and text[i - 1].isalnum():
                    char = "'" if text[i + 1].isalnum() else " "
                elif char in _QUOTE_MARKS or char in _APOSTROPHES or char.isspace():
                    char = " "
                elif char in _DASHES:
                    char = "-"
                elif unicodedata.category(char) == "Cf":  # soft hyphens, zero-width spaces
                    continue
                if char == " " and (not out or out[-1] == " "):
                    continue
                if char in _TIGHT and out and out[-1] == " ":
                    del out[-1], index[-1]
                out.append(char)
                index.append(i)
            i = j
        if plain:
            if plain.group()[0] in _TIGHT and out and out[-1] == " ":
                del out[-1], index[-1]
            out.append(plain.group().casefold())
            index.extend(range(plain.start(), plain.end()))
            i = plain.end()
    if out and out[-1] == " ":
        del out[-1], index[-1]
    return "".join(out), index


@dataclass(frozen=True)
class _Page:
    text: str
    norm: str
    index: list[int]
    names: dict[str, bool] = field(default_factory=dict)  # is a word a name? asked once a page

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of norm[start:end], with the last character's combining marks."""
        first, last = self.index[start], self.index[end - 1] + 1
        while last < len(self.text) and unicodedata.combining(self.text[last]):
            last += 1
        return first, last


def verify_quote(
    quote: str, source_text: str, *, approximate_at: float = 85.0, altered_at: float = 70.0
) -> QuoteVerdict:
    """The verdict on ``quote`` against a source page's text."""
    page = _Page(source_text, *normalize_for_matching(source_text))
    return _verify(quote, page, approximate_at, altered_at)


def verify_quotes(quotes: Iterable[str], source_text: str, **cutoffs: float) -> list[QuoteVerdict]:
    """One verdict per quote, in order; the page is normalized once for all of them."""
    page = _Page(source_text, *normalize_for_matching(source_text))
    return [_verify(quote, page, **cutoffs) for quote in quotes]


def _verify(
    quote: str, page: _Page, approximate_at: float = 85.0, altered_at: float = 70.0
) -> QuoteVerdict:
    if not quote.strip():
        raise ValueError("cannot verify an empty quote: give the words to look for")
    wanted = _trim(normalize_for_matching(quote)[0])
    if not page.norm or not any(char.isalnum() for char in wanted):  # e.g. "« … »"
        return QuoteVerdict(quote, ABSENT, 0.0, "", None, None)
    found = _find_exact(wanted, page.norm)
    if found is not None:
        start, end = page.span(found, found + len(wanted))
        return QuoteVerdict(quote, EXACT, 100.0, page.text[start:end], start, end)
    begin, finish, score, differences = closest = _closest(
        quote, wanted, page, page.norm, approximate_at
    )
    # A misquote is claimed only if no other place agrees closely with the quote: a page may
    # repeat a sentence with other figures. Each place seen is blanked out for the next search.
    searched = page.norm
    for _ in range(2 if differences and score >= altered_at else 0):
        searched = searched[: closest[0]] + " " * (closest[1] - closest[0]) + searched[closest[1] :]
        closest = _closest(quote, wanted, page, searched, approximate_at)
        if closest[2] >= approximate_at and not closest[3]:
            begin, finish, score, differences = closest
            break
    start, end = page.span(begin, finish)
    score = round(score, 1)
    if score >= altered_at and differences:
        return QuoteVerdict(quote, ALTERED, score, page.text[start:end], start, end, differences)
    if score >= approximate_at and not differences:
        return QuoteVerdict(quote, APPROXIMATE, score, page.text[start:end], start, end)
    return QuoteVerdict(quote, ABSENT, score, "", None, None)


def _trim(wanted: str) -> str:
    """The quote without the quoting writer's edge punctuation, but with a figure's sign."""
    trimmed = wanted.strip(_EDGE_PUNCTUATION)
    lead = wanted[: len(wanted) - len(wanted.lstrip(_EDGE_PUNCTUATION))]
    return f"-{trimmed}" if trimmed[:1].isdigit() and lead.endswith("-") else trimmed


def _find_exact(wanted: str, norm: str) -> int | None:
    """First occurrence made of whole words: « an » is not found inside « dans », nor « 0,3 »
    inside « -0,3 »."""
    padded = f" {norm} "  # so that both neighbours exist
    at = padded.find(wanted)
    while at != -1 and (
        any(padded[i - 1 : i + 1].isalnum() for i in (at, at + len(wanted)))
        or (wanted[:1].isdigit() and padded[at - 1] in "+-" and _is_sign(padded, at - 1))
    ):
        at = padded.find(wanted, at + 1)
    return None if at == -1 else at - 1


def _is_sign(text: str, at: int) -> bool:
    """Whether the + or - at ``text[at]`` is a figure's sign, not a hyphen (« 2-3 »)."""
    return at == 0 or not _NOT_BEFORE_A_SIGN_RE.match(text[at - 1])


def _closest(quote: str, wanted: str, page: _Page, searched: str, close: float) -> _Passage:
    """(begin, finish, score, differences) of the passage of ``searched`` closest to the quote."""
    # rapidfuzz's partial alignment (C++, fast even on 100 kB) places a window of the quote's
    # length; widened to whole words, its edges then move to where the ratio is best.
    low, high = _align(wanted, searched)
    slack = min(100, max(20, len(wanted) // 2))
    starts = _boundaries(searched, low - slack, low + slack, True)
    ends = _boundaries(searched, high - slack, high + slack, False)
    begin = max((s for s in starts if s <= low), default=low)
    finish = min((e for e in ends if e >= high), default=high)

    def similarity(s: int, e: int) -> float:
        # The window's own edges get a point ahead: where the quote has another word (a swapped
        # name), the ratio would rather cut the source's off by a hair than keep it aligned.
        return fuzz.ratio(wanted, searched[s:e]) + (s == begin) + (e == finish)

    start, end = begin, finish
    for _ in range(2):  # coordinate ascent: each edge in turn, the other one fixed
        start = max((s for s in starts if s < end), default=start, key=lambda s: similarity(s, end))
        end = max((e for e in ends if e > start), default=end, key=lambda e: similarity(start, e))
    start, end = (start, end) if start < end else (low, max(high, low + 1))
    if searched[start : start + 1].isdigit() and start and searched[start - 1] in "+-":
        # A figure keeps its sign: without it, « 0,3 » would read as the page's « -0,3 ».
        start -= _is_sign(searched, start - 1)
    trimmed = start, end, fuzz.ratio(wanted, searched[start:end])
    differences = _differences(quote, wanted, page, start, end)
    # The ratio would rather cut « le non- » off « le non-respect », or « au-delà de 2027 » off
    # « la réforme au-delà de 2027 » quoted as « la réforme 2027 »: the quote's first or last
    # word, missing from the passage but among the four words outside, takes the edge back to
    # it if the passage stays close and that shows or clears a difference.
    # When that word is not there either, the quote's words left out at that edge face the
    # page's words in their place, as many of them: « Le Pen a répondu » quoted where the page
    # says « Emmanuel Macron a répondu » is a swapped name, not « a répondu » found.
    passage = _TOKEN.findall(searched, start, end)
    words, inside = _TOKEN.findall(wanted), set(passage)
    if words[0] not in inside:
        head = list(_TOKEN.finditer(searched, max(0, start - 60), start))[-4:]
        facing = _left_out(words, passage)
        start = next(
            (m.start() for m in reversed(head) if m.group() == words[0]),
            head[-facing].start() if 0 < facing <= len(head) else start,
        )
    if words[-1] not in inside:
        tail = list(_TOKEN.finditer(searched, end, end + 60))[:4]
        facing = _left_out(words[::-1], passage[::-1])
        end = next(
            (m.end() for m in tail if m.group() == words[-1]),
            tail[facing - 1].end() if 0 < facing <= len(tail) else end,
        )
    score = fuzz.ratio(wanted, searched[start:end])
    wider = _differences(quote, wanted, page, start, end) if (start, end) != trimmed[:2] else ()
    if score >= close and (start, end) != trimmed[:2] and (wider or differences):
        return start, end, score, wider
    return *trimmed, differences


def _left_out(words: list[str], passage: list[str]) -> int:
    """How many of the quote's first ``words`` the passage left out: those before the word it
    starts with (0 when it starts otherwise, « 60 % » for « 80 % »: its words face the quote's
    already), up to four."""
    count = next((i for i, word in enumerate(words) if word in passage), len(words))
    return min(count, 4) if passage and count < len(words) and words[count] == passage[0] else 0


def _align(wanted: str, searched: str, direct: int = 300) -> tuple[int, int]:
    """Where the quote's best window in ``searched`` starts and ends."""
    if len(wanted) <= direct:
        window = fuzz.partial_ratio_alignment(wanted, searched)
        return window.dest_start, window.dest_end
    # Aligning grows with both lengths (0.1 s for 1000 characters over 100 kB): a long quote
    # has its head and its tail placed instead, and the window either implies that best
    # matches the whole quote is kept.
    half, size = direct // 2, len(wanted)
    head = fuzz.partial_ratio_alignment(wanted[:half], searched)
    tail = fuzz.partial_ratio_alignment(wanted[-half:], searched)
    starts = (head.dest_start - head.src_start, tail.dest_end + half - tail.src_end - size)
    low = max((max(0, s) for s in starts), key=lambda s: fuzz.ratio(wanted, searched[s : s + size]))
    return low, min(len(searched), low + size)


def _boundaries(norm: str, low: int, high: int, starts: bool) -> list[int]:
    """Word starts (or ends) in norm[low:high], but not at punctuation stripped off quotes."""
    found = []
    for i in range(max(low, 0), min(high, len(norm)) + 1):
        char, other = (norm[i : i + 1], norm[i - 1 : i])[:: 1 if starts else -1]
        if char.strip(_EDGE_PUNCTUATION) and not other.strip() or char.isalnum() > other.isalnum():
            found.append(i)
    return found


# --- What makes a close match a misquote -----------------------------------------------------

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
_TOKEN = re.compile(r"\w+")
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
_NON_WORDS = "obstant|ante|chal|agén|agone|etheless|sens|pareil|illion|uple"
_OTHER_NEGATORS = re.compile(
    r"\b(?:non|not|never|no|none|nobody|nothing|nor|cannot)\b|n't\b"
    rf"|\bnon(?!{_NON_WORDS})\w{{4,}}"
)


def _differences(quote: str, wanted: str, page: _Page, begin: int, finish: int) -> tuple[str, ...]:
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


def _swapped_names(quote: str, passage: str, page: _Page) -> list[str]:
    """Names in each text sharing no word with the other (« Macron » is « Emmanuel Macron »);
    a misspelling is not another name, and a name added or left out is no swap."""
    in_quote, in_passage = _words(quote), _words(passage)
    said = [n for n in _names(quote, passage, page) if in_passage.isdisjoint(_words(n))]
    written = [n for n in _names(passage, quote, page) if in_quote.isdisjoint(_words(n))]
    said = [n for n in said if all(fuzz.ratio(n.casefold(), w.casefold()) < 85 for w in written)]
    return [f"name: {', '.join(said)} → {', '.join(written)}"] if said and written else []


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _names(text: str, other: str, page: _Page) -> list[str]:
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


def _named_elsewhere(word: str, page: _Page) -> bool:
    if word not in page.names:
        page.names[word] = any(
            (before := page.text[max(0, m.start() - 4) : m.start()].rstrip(" \t\u00a0\u202f"))
            and (before[-1].isalnum() or before[-1] in ",;'’")
            for m in re.finditer(rf"\b{re.escape(word)}\b", page.text)
        )
    return page.names[word]
