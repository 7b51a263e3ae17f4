"""Find a quotation in a source page's text and say whether it is there verbatim, reworded,
altered (a figure, a date, a name or a negation differs) or absent. No Django: a worker's
check and the benchmark import this module directly."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz

from . import misquotes

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
# normalizing a 100 kB page fast: printable ASCII but ' " `, and Latin-1 letters but ß ("ss")
# and æ (a ligature, as œ is).
_ASCII = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "'\"`")
_LATIN = "À-ÅÇ-Þà-åç-ÿ"
# « vœu » and « voeu » are the same word, typed either way; NFKC keeps these ligatures.
_LIGATURES = {"œ": "oe", "æ": "ae"}
_PLAIN = re.compile(
    rf"[{re.escape(_ASCII)}{_LATIN}]+"
    rf"(?: [{re.escape(''.join(c for c in _ASCII if c not in _TIGHT))}{_LATIN}]"
    rf"[{re.escape(_ASCII)}{_LATIN}]*)*(?![{_COMBINING}])"
)
_EDGE_PUNCTUATION = " .,;:!?-"  # a quote's closing period is the quoting writer's
_Passage = tuple[int, int, float, tuple[str, ...]]  # begin, finish, score, differences


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
            folded = unicodedata.normalize("NFKC", text[i:j]).casefold()
            if folded in _LIGATURES:
                folded = _LIGATURES[folded]
            for char in folded:
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
        or (wanted[:1].isdigit() and padded[at - 1] in "+-" and misquotes.is_sign(padded, at - 1))
        or _figure_goes_on_before(padded, at)
        or _figure_goes_on_after(padded, at + len(wanted))
    ):
        at = padded.find(wanted, at + 1)
    return None if at == -1 else at - 1


# « 2,3 millions », « 10.3 % », « 1 500 euros »: a figure's decimal or thousands mark, or the
# space before a group of three digits (NFKC made the narrow no-break space one).
_GROUP_AFTER = re.compile(r"\d{3}(?!\d)")
_GROUP_BEFORE = re.compile(r"(?<!\d)\d{1,3}$")


def _figure_goes_on_before(text: str, at: int) -> bool:
    """Whether the figure starting at ``text[at]`` is the tail of a longer one: « 3 » of
    « 2,3 », « 500 » of « 1 500 »."""
    if not text[at : at + 1].isdigit() or at < 2 or not text[at - 2].isdigit():
        return False
    mark = text[at - 1]
    return mark in ",." or (
        mark == " "
        and bool(_GROUP_AFTER.match(text, at))
        and bool(_GROUP_BEFORE.search(text, 0, at - 1))
    )


def _figure_goes_on_after(text: str, end: int) -> bool:
    """Whether the figure ending at ``text[end - 1]`` goes on: « 5 » of « 5,5 % », « 1 » of
    « 1 500 euros »."""
    if not text[end - 1 : end].isdigit() or end + 1 >= len(text) or not text[end + 1].isdigit():
        return False
    mark = text[end]
    return mark in ",." or (
        mark == " "
        and bool(_GROUP_AFTER.match(text, end + 1))
        and bool(_GROUP_BEFORE.search(text, 0, end))
    )


def _whole_figures(searched: str, start: int, end: int) -> tuple[int, int]:
    """The passage widened to the whole figures at its edges: « 3 millions » cut out of
    « 2,3 millions » (or « ,3 millions ») reads as the figure the page gives."""
    if searched[start : start + 1] in (",", ".", " ") and _figure_goes_on_before(
        searched, start + 1
    ):
        start += 1  # on the mark inside a figure: step onto its digits, then back over them
    while start > 0 and (
        (searched[start - 1].isdigit() and searched[start : start + 1].isdigit())
        or _figure_goes_on_before(searched, start)
    ):
        start -= 2 if not searched[start - 1].isdigit() else 1
    if searched[end - 1 : end] in (",", ".", " ") and _figure_goes_on_after(searched, end - 1):
        end -= 1
    while end < len(searched) and (
        (searched[end].isdigit() and searched[end - 1 : end].isdigit())
        or _figure_goes_on_after(searched, end)
    ):
        end += 2 if not searched[end].isdigit() else 1
    return start, end


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
    start, end = _whole_figures(searched, start, end)
    if searched[start : start + 1].isdigit() and start and searched[start - 1] in "+-":
        # A figure keeps its sign: without it, « 0,3 » would read as the page's « -0,3 ».
        start -= misquotes.is_sign(searched, start - 1)
    trimmed = start, end, fuzz.ratio(wanted, searched[start:end])
    differences = misquotes.differences(quote, wanted, page, start, end)
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
    start, end = _whole_figures(searched, start, end)
    score = fuzz.ratio(wanted, searched[start:end])
    wider = (
        misquotes.differences(quote, wanted, page, start, end)
        if (start, end) != trimmed[:2]
        else ()
    )
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


_TOKEN = re.compile(r"\w+")
