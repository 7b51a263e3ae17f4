"""What a newsroom hands in — pasted text or HTML, an uploaded file — read as article text:
HTML is recognised however it starts, and its markup never reaches the stored text."""

import signal
from datetime import date

import pytest

from claims.documents import document_from_bytes, document_from_text, looks_like_html

PARAGRAPHS = (
    "<p>Le taux de chômage a reculé à 7,1 % de la population active au quatrième trimestre"
    " 2024, selon l'Insee.</p><p>Il s'agit du niveau le plus bas depuis 1982, a souligné"
    " le ministre du Travail lors d'un point presse à Paris.</p>"
    "<p>Les syndicats contestent ces chiffres.</p>"
)


@pytest.mark.parametrize(
    "pasted",
    [
        f"<!DOCTYPE html><html><body><article>{PARAGRAPHS}</article></body></html>",
        f"<section><h1>Chômage</h1>{PARAGRAPHS}</section>",
        f"<main>{PARAGRAPHS}</main>",
        f"<h2>Chômage</h2>{PARAGRAPHS}",
        f'<meta charset="utf-8"><title>Chômage</title>{PARAGRAPHS}',
        f"<!-- copié depuis le site -->\n<div>{PARAGRAPHS}</div>",
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
        f' Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><body>'
        f"{PARAGRAPHS}</body></html>",
        f"\ufeff<span>Par l'AFP</span>{PARAGRAPHS}",
        # A fragment copied from the middle of a page: text first, then closing paragraphs.
        f"publié le 13 février 2025</span>{PARAGRAPHS}",
    ],
)
def test_pasted_html_is_extracted_however_it_starts(pasted):
    data = pasted.encode("utf-8")
    assert looks_like_html(data)
    document = document_from_bytes(data, name="text")
    assert "reculé à 7,1 %" in document.text
    assert "<" not in document.text and ">" not in document.text


@pytest.mark.parametrize(
    "text",
    [
        "Le taux de chômage a reculé à 7,1 %, un chiffre < 8 % pour la première fois depuis 1982.",
        "<Paris> Le taux de chômage a reculé à 7,1 % au quatrième trimestre 2024.",
        "Le balisage <p> ouvre un paragraphe ; le ministre l'a rappelé aux élèves.",
    ],
)
def test_text_that_mentions_angle_brackets_stays_text(text):
    data = text.encode("utf-8")
    assert not looks_like_html(data)
    assert document_from_bytes(data, name="text").text == text


def test_an_html_file_is_html_by_its_name():
    assert looks_like_html(b"Le chomage a recule.", name="depeche.xhtml")


def _hung(signum, frame):
    raise AssertionError("looks_like_html did not return: the pattern backtracks")


def test_a_run_of_comments_before_no_element_is_text_at_once():
    # A pattern that could read comments several ways took seconds at 22 comments, doubling
    # with each: a worker hung on a pasted page. Here 60 of them would never end, so an alarm
    # turns that hang into a failure (it is no speed goal: the answer takes milliseconds).
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(30)
    try:
        assert not looks_like_html(b"<!---->" * 60 + b"x")
        assert not looks_like_html(b"<!-- a -->" * 2000 + b"x")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert looks_like_html(b"<!-- a --><!-- b -->\n<template><p>x</p></template>")


@pytest.mark.parametrize("tag", ["p", "div", "article"])
def test_a_single_pasted_block_is_extracted_too(tag):
    words = (
        "Le taux de chômage a reculé à 7,1 % de la population active au quatrième trimestre"
        " 2024, selon l'Insee, qui publie ses chiffres chaque trimestre depuis 1975."
    )
    document = document_from_bytes(f"<{tag}>{words}</{tag}>".encode(), name="depeche.html")
    assert document.text == words


def test_a_saved_page_in_its_declared_charset_is_read_in_it():
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Chômage</title></head><body><article>'
        f"{PARAGRAPHS}</article></body></html>"
    )
    document = document_from_bytes(page.encode("iso-8859-1"), name="depeche.html")
    assert "reculé à 7,1 %" in document.text and "Travail" in document.text


def test_pasted_html_is_text_already_whatever_charset_its_source_declared():
    """Copied from a Latin-1 page's source, the paste arrives as text: its <meta charset> no
    longer says anything about it."""
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Chômage</title></head><body><article>'
        f"{PARAGRAPHS}</article></body></html>"
    )
    document = document_from_text(page, name="text")
    assert "reculé à 7,1 %" in document.text and document.title == "Chômage"


def test_a_page_without_html_or_body_tags_keeps_its_head():
    page = (
        '<!DOCTYPE html><meta charset="utf-8"><title>Chômage au plus bas</title>'
        f'<meta name="author" content="Jean Dupont"><article>{PARAGRAPHS}</article>'
    )
    document = document_from_bytes(page.encode(), name="depeche.html")
    assert document.title == "Chômage au plus bas" and "reculé à 7,1 %" in document.text


STATEMENT_DATED = (
    "<p>Le ministre a déclaré le 12 mars 2016 que le chômage avait baissé de 5 % depuis 2014,"
    " selon l'Insee.</p>" + PARAGRAPHS
)


def test_a_date_the_article_mentions_is_not_taken_for_its_publication_date():
    page = f"<html><head><title>Chômage</title></head><body><article>{STATEMENT_DATED}</article>"
    document = document_from_text(page + "</body></html>", name="text")
    assert "12 mars 2016" in document.text
    assert document.published is None  # unknown, for the fact-checker to fill in


@pytest.mark.parametrize(
    "marked",
    [
        '<meta property="article:published_time" content="2017-06-29T10:00:00+02:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2017-06-29"}</script>',
    ],
)
def test_the_publication_date_the_page_declares_is_read(marked):
    page = f"<html><head>{marked}<title>Chômage</title></head><body><article>{STATEMENT_DATED}"
    document = document_from_text(page + "</article></body></html>", name="text")
    assert document.published == date(2017, 6, 29)


def test_a_page_dated_and_updated_is_dated_by_its_first_publication():
    page = (
        '<html><head><meta property="article:published_time" content="2017-06-29T10:00:00Z">'
        '<meta property="article:modified_time" content="2017-07-03T08:00:00Z">'
        f"<title>Chômage</title></head><body><article>{STATEMENT_DATED}</article></body></html>"
    )
    assert document_from_text(page, name="text").published == date(2017, 6, 29)
