"""Fetched bytes to text: the encodings French pages come in, declared well or badly."""

import codecs

import pytest

from claims.checking.decoding import decode_page, known_encoding

TEXT = "Le député a déclaré : « les impôts ont baissé de 3 % »."


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/html; charset=utf-8", TEXT.encode()),
        ('text/html; charset="iso-8859-1"', TEXT.encode("latin-1")),
        ("text/html; charset='windows-1252'", TEXT.encode("cp1252")),
        ("text/html", b'<meta charset="windows-1252">' + TEXT.encode("cp1252")),
        (
            "text/html",
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
            + TEXT.encode("latin-1"),
        ),
        ("text/html; charset=x-mac-bogus", TEXT.encode()),  # unknown name: the bytes decide
        ("text/html; charset=utf-8", TEXT.encode("cp1252")),  # wrong declaration
        ("text/html", TEXT.encode("cp1252")),  # no declaration, not UTF-8
        ("text/html", "\ufeff".encode() + TEXT.encode()),  # a byte-order mark
        ("text/html; charset=iso-8859-1", b"\xef\xbb\xbf" + TEXT.encode()),  # the mark wins
    ],
)
def test_french_text_survives_every_usual_declaration(content_type, body):
    assert decode_page(body, content_type).endswith(TEXT)


def test_iso_8859_1_is_read_as_windows_1252_as_browsers_do():
    # « … » typographic apostrophe and the euro sign are windows-1252 bytes, not Latin-1.
    body = "l\u2019euro : 3 \u20ac".encode("cp1252")
    assert decode_page(body, "text/html; charset=iso-8859-1") == "l\u2019euro : 3 \u20ac"


def test_nul_bytes_are_dropped_because_postgresql_cannot_store_them():
    assert decode_page(b"Rapport\x00 2024", "text/plain; charset=utf-8") == "Rapport 2024"


@pytest.mark.parametrize(
    "label", ["hex", "base64", "rot13", "zlib", "unicode_escape", "undefined", "cp037"]
)
def test_a_charset_that_names_no_web_encoding_counts_as_unknown(label):
    # Python's codecs include bytes-to-bytes ones and encodings no browser reads.
    assert decode_page(TEXT.encode(), f"text/html; charset={label}") == TEXT
    assert decode_page(f'<meta charset="{label}">'.encode() + TEXT.encode()).endswith(TEXT)


def test_utf_7_is_never_read_as_browsers_refuse_it():
    # UTF-7 hides markup in plain ASCII: the reason the web dropped it.
    body = b"+ADw-script+AD4-alert(1)+ADw-/script+AD4-"
    assert decode_page(body, "text/html; charset=utf-7") == body.decode("ascii")


@pytest.mark.parametrize("label", ["utf-16", "utf-16le", "UTF-16BE"])
@pytest.mark.parametrize("pad", ["", " "])  # an even or an odd number of bytes
def test_a_meta_that_says_utf_16_is_read_as_utf_8_as_browsers_do(label, pad):
    # Bytes in which an ASCII <meta> could be read are no UTF-16 (WHATWG's prescan rule).
    page = f'<meta charset="{label}">{TEXT}{pad}'
    assert decode_page(page.encode(), "text/html") == page


def test_utf_16_still_counts_from_a_byte_order_mark_or_the_header():
    page = f'<meta charset="utf-16">{TEXT}'
    assert decode_page(codecs.BOM_UTF16_LE + page.encode("utf-16-le"), "text/html") == page
    assert decode_page(page.encode("utf-16-be"), "text/html; charset=utf-16be") == page


def test_a_header_that_says_utf_16_without_a_byte_order_mark_means_little_endian():
    # WHATWG's "utf-16" label is UTF-16LE; Python's codec would take the machine's order.
    page = f"<p>{TEXT}</p>"
    assert decode_page(page.encode("utf-16-le"), "text/html; charset=utf-16") == page
    assert known_encoding("UTF-16") == "utf-16-le"
