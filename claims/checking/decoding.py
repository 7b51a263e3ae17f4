"""Bytes of a fetched page to text, in the order browsers follow (WHATWG's encoding sniffing):
a byte-order mark, the Content-Type header's charset, a ``<meta>`` charset in the first
kilobyte, then UTF-8, then windows-1252 — the usual encoding of old French pages."""

import codecs
import re

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^\s"';,]+)""", re.I)
# <meta charset="…"> and <meta http-equiv="Content-Type" content="…; charset=…">.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_UTF_16 = {"utf-16", "utf-16-le", "utf-16-be"}
# Browsers read these labels as windows-1252, which they mostly are.
_AS_WINDOWS_1252 = {"iso8859-1", "ascii"}
# The WHATWG Encoding Standard's encodings, by the names of Python's codecs for them. Python
# knows many more (hex, base64, rot13, unicode_escape, EBCDIC, UTF-7 that hides markup in
# ASCII…): no browser reads a page in those, so their labels count as unknown.
_WEB_ENCODINGS = {
    *_AS_WINDOWS_1252,
    *(f"cp{n}" for n in (866, 874, 932, 949, *range(1250, 1259))),
    *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
    *("utf-8", "utf-16", "utf-16-le", "utf-16-be", "tis-620"),
    *("koi8-r", "koi8-u", "mac-roman", "mac-cyrillic"),
    *("gbk", "gb2312", "gb18030", "big5", "big5hkscs"),
    *("euc_jp", "iso2022_jp", "shift_jis", "euc_kr"),
}


def known_encoding(label):
    """The codec a charset label names, or None when it names no encoding of web pages."""
    try:
        name = codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None
    if name not in _WEB_ENCODINGS:
        return None
    if name == "utf-16":  # WHATWG's "utf-16" is little-endian, whatever the machine's order
        return "utf-16-le"
    return "cp1252" if name in _AS_WINDOWS_1252 else name


def decode_page(body, content_type=""):
    """``body`` as text; characters PostgreSQL cannot store (NUL) are dropped."""
    return _decode(body, content_type).replace("\x00", "")


def _decode(body, content_type):
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    declared = [known_encoding(m.group(1)) for m in _HEADER_CHARSET.finditer(content_type or "")]
    for match in _META_CHARSET.finditer(body[:1024]):
        encoding = known_encoding(match.group(1).decode("ascii", "ignore"))
        # A <meta> that could be read as ASCII is no UTF-16: browsers read UTF-8 instead.
        declared.append("utf-8" if encoding in _UTF_16 else encoding)
    for encoding in declared:
        if encoding is None:
            continue
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue  # a wrong declaration is common; the next clue may be right
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")
