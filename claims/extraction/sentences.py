"""Sentence splitting tuned for news copy.

Parser-based splitters cut « Vladimir | Poutine » and glue sentences across paragraph
breaks; here a paragraph break always ends a sentence, and initials, abbreviations and
quotations never do.
"""

import re
from dataclasses import dataclass

TERMINALS = ".!?…"
OPENING_QUOTES = "«“"
CLOSING_QUOTES = "»”"
# Lower-cased words that end with a period without ending the sentence.
ABBREVIATIONS = {
    "m",
    "mm",
    "mme",
    "mmes",
    "mlle",
    "mlles",
    "dr",
    "pr",
    "me",
    "mgr",
    "st",
    "ste",
    "gén",
    "gal",
    "col",
    "cdt",
    "lt",
    "sgt",
    "cie",
    "etc",
    "cf",
    "av",
    "bd",
    "apr",
    "env",
    "hab",
    "no",
    "n°",
    "vol",
    "p",
    "pp",
    "mr",
    "mrs",
    "ms",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "corp",
    "gov",
    "sen",
    "rep",
    "prof",
    "vs",
    "jan",
    "feb",
    "fév",
    "févr",
    "aug",
    "sept",
    "oct",
    "nov",
    "dec",
    "déc",
    "u.s",
    "u.k",
    "j.-c",
}
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD_BEFORE = re.compile(r"([\w.°'-]+)$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, source):
        return source[self.start : self.end]


def paragraphs(text):
    """Spans of non-empty lines: in wire copy every line break ends a paragraph."""
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append(Span(start, end))
    return spans


def straight_quote_pairs(text, start, end):
    """Positions of paired straight double quotes in a paragraph: (open, close) tuples."""
    positions = [i for i in range(start, end) if text[i] == '"']
    return list(zip(positions[0::2], positions[1::2], strict=False))


def quoted_ranges(text, start, end):
    """Character ranges inside quotation marks within one paragraph, outermost only."""
    ranges = [(a, b + 1) for a, b in straight_quote_pairs(text, start, end)]
    depth, opened = 0, None
    for i in range(start, end):
        if text[i] in OPENING_QUOTES:
            if depth == 0:
                opened = i
            depth += 1
        elif text[i] in CLOSING_QUOTES and depth:
            depth -= 1
            if depth == 0:
                ranges.append((opened, i + 1))
    return sorted(ranges)


def _inside(position, ranges):
    return any(a < position < b - 1 for a, b in ranges)


def _is_abbreviation(text, paragraph_start, dot):
    match = _WORD_BEFORE.search(text, paragraph_start, dot)
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    if word in ABBREVIATIONS:
        return True
    # Initials: « H. », « H.R. », « J.-C. » — a single capital letter before the period.
    last = word.split(".")[-1].split("-")[-1]
    return len(last) == 1 and last.isalpha() and text[dot - 1].isupper()


def _starts_sentence(text, i, end):
    """True when position ``i`` (after spaces) looks like the start of a new sentence."""
    while i < end and text[i] in " \t\u00a0\u202f":
        i += 1
    if i >= end:
        return False
    char = text[i]
    return char.isupper() or char.isdigit() or char in OPENING_QUOTES + '"-—–('


_INCISE = re.compile(
    r"\s*(?:[A-ZÉ][\w.'’-]*\s+){0,3}[A-ZÉ]?[\w.'’-]*(?:,\s*[^,.]{1,40},)?\s+"
    r"(?:told|said|says|added|asked|explained|a\s+\w+é|a-t-(?:il|elle)|ont\s+\w+é)\b"
)


def _is_incise(text, position, end):
    """After a quote ending in « ! » or « ? »: « Marchetti, 19, told reporters. » belongs to it."""
    return bool(_INCISE.match(text, position, end))


def split_sentences(text):
    """Sentence spans of ``text``, trimmed of surrounding spaces, in order."""
    sentences = []
    for paragraph in paragraphs(text):
        quoted = quoted_ranges(text, paragraph.start, paragraph.end)
        start = paragraph.start
        i = start
        while i < paragraph.end:
            char = text[i]
            if char in TERMINALS and not _inside(i, quoted):
                j = i + 1
                while j < paragraph.end and text[j] in TERMINALS:
                    j += 1
                # Punctuation closing a quotation ends the sentence after the mark.
                while j < paragraph.end and text[j] in CLOSING_QUOTES + '")':
                    j += 1
                if char == "." and j == i + 1 and _is_abbreviation(text, paragraph.start, i):
                    i += 1
                    continue
                if j >= paragraph.end or (
                    text[j].isspace() and _starts_sentence(text, j, paragraph.end)
                ):
                    sentences.append(Span(start, j))
                    start = j
                    while start < paragraph.end and text[start].isspace():
                        start += 1
                    i = start
                    continue
                i = j
                continue
            if char in TERMINALS:
                # Terminal punctuation inside a quotation: the sentence ends after the
                # closing mark when what follows starts a new sentence.
                j = i + 1
                while j < paragraph.end and text[j] in TERMINALS:
                    j += 1
                if j < paragraph.end and text[j] in CLOSING_QUOTES + '"' and not _inside(j, quoted):
                    k = j + 1
                    if k >= paragraph.end or (
                        text[k].isspace()
                        and _starts_sentence(text, k, paragraph.end)
                        and not (char in "!?" and _is_incise(text, k, paragraph.end))
                    ):
                        sentences.append(Span(start, k))
                        start = k
                        while start < paragraph.end and text[start].isspace():
                            start += 1
                        i = start
                        continue
            i += 1
        if start < paragraph.end:
            sentences.append(Span(start, paragraph.end))
    return sentences
