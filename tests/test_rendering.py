"""Explanations are Markdown from fact-checkers, rendered with nothing executable left."""

import re
from html.parser import HTMLParser

import pytest

from claims.publishing.rendering import ALLOWED_TAGS, render_markdown


def test_renders_the_markdown_fact_checkers_write():
    html = render_markdown(
        "Selon **l'Insee**, le taux était de *9,7 %*.\n\n"
        "- [Note de l'Insee](https://www.insee.fr/fr/statistiques/1)\n- Eurostat\n\n"
        "> « Nous avons créé un million d'emplois »"
    )
    assert "<strong>l'Insee</strong>" in html and "<em>9,7 %</em>" in html
    assert (
        '<a href="https://www.insee.fr/fr/statistiques/1" rel="nofollow noopener noreferrer">'
        in html
    )
    assert "<blockquote>" in html and "<li>Eurostat</li>" in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '<a href="https://example.org" onclick="alert(1)">lien</a>',
        "<iframe src=https://evil.example></iframe>",
        '<svg onload="alert(1)">',
        "[a](vbscript:msgbox(1))",
    ],
)
def test_nothing_executable_survives(attack):
    html = render_markdown(f"Texte. {attack} Fin.")
    elements = Elements()
    elements.feed(html)
    for tag, attributes in elements.found:
        assert tag in ALLOWED_TAGS, (attack, html)
        for name, value in attributes:
            assert not name.startswith("on"), (attack, html)
            if name in ("href", "src"):
                assert value.split(":")[0].lower() in ("http", "https", "mailto"), (attack, html)
    assert "Texte." in html and "Fin." in html


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def test_headings_start_below_the_pages_own():
    html = render_markdown("# Contexte\n\n## Les chiffres")
    assert "<h3>Contexte</h3>" in html and "<h4>Les chiffres</h4>" in html
    assert "<h1>" not in html and "<h2>" not in html


def test_every_heading_level_moves_down_keeping_the_outline_in_order():
    html = render_markdown("# Contexte\n\n## Les chiffres\n\n### En 2016\n\n#### Détail")
    assert re.findall(r"<(h\d)>", html) == ["h3", "h4", "h5", "h6"]


def test_images_become_links_to_them_named_by_their_description():
    # Pages load no third-party image; the evidence a fact-checker pointed to stays reachable.
    html = render_markdown(
        '![Capture du *tweet*](https://example.org/tweet.png "Le tweet") et '
        "![](https://example.org/graphique.png)"
    )
    assert "<img" not in html
    assert (
        '<a href="https://example.org/tweet.png" title="Le tweet" '
        'rel="nofollow noopener noreferrer">Capture du <em>tweet</em></a>' in html
    )
    assert ">https://example.org/graphique.png</a>" in html


def test_table_columns_keep_their_alignment_without_inline_style():
    html = render_markdown("| Année | Taux |\n|:-|-:|\n| 2016 | 9,7 % |")
    assert '<th class="align-left">Année</th>' in html
    assert '<td class="align-right">9,7 %</td>' in html
    assert "style=" not in html


def test_empty_explanation_renders_nothing():
    assert render_markdown("") == ""
