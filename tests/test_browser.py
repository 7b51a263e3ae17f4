"""The public pages in a real browser (Chromium), as readers see them on a desktop and a phone."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from claims.models import ReaderSubmission

from .conftest import PROJECT_DIR
from .factories import EditorFactory, RatingFactory, newsroom, public_urls, published_verdict

# The server thread only sees committed rows: each test commits its own, emptied afterwards.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every host name but the loopback address resolves to nothing: no request leaves.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOOPBACK}",
]
# Addresses by IP skip the host resolver: any request not to the live server is stopped.
LEAVING_LOOPBACK = re.compile(rf"^(?!https?://{re.escape(LOOPBACK)}[:/])")
BROWSER_LOCALES = {"fr": "fr-FR", "en": "en-GB"}  # a reader's browser speaks their language
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS_DIR") or PROJECT_DIR / "test-artifacts" / "screenshots"
)


@pytest.fixture(scope="module")
def live_server():
    """pytest-django's live server, on the one address the browser may reach."""
    server = LiveServer(LOOPBACK)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; CI installs it, so its absence is a failure."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop running in this thread, which Django
        # would take for async code; the test's database calls are synchronous all the same.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


class Tab:
    """A browser tab on the live server that keeps every console error and outside request."""

    def __init__(self, context, base_url, size):
        self.size = size
        self.base_url = base_url
        self.errors = []
        self.outside = []
        context.route(LEAVING_LOOPBACK, self._stop_outside_request)
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _stop_outside_request(self, route):
        self.outside.append(route.request.url)
        route.abort()

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location.get('url')}")

    def visit(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        return self.page

    def screenshot(self, name):
        path = ARTIFACTS / f"{name}-{self.size}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a file left by an earlier run proves nothing
        self.page.screenshot(path=path, full_page=True)
        assert path.is_file() and path.stat().st_size > 0
        assert path.read_bytes().startswith(b"\x89PNG")
        return path

    def layout(self):
        """Page language, sideways scrolling, unlabelled fields and a visible title, at once."""
        return self.page.evaluate(LAYOUT_JS)


LAYOUT_JS = """() => {
  const root = document.documentElement;
  const fields = [...document.querySelectorAll("input, select, textarea")].filter(
    (f) => f.type !== "hidden" && f.getClientRects().length && !f.closest("[aria-hidden=true]"));
  const h1 = document.querySelector("h1");
  return {
    lang: root.lang,
    sideways: Math.max(root.scrollWidth, document.body.scrollWidth) > window.innerWidth,
    unlabelled: fields
      .filter((f) => !f.labels.length && !f.ariaLabel && !f.getAttribute("aria-labelledby"))
      .map((f) => f.name || f.id),
    title_shown: Boolean(h1 && h1.checkVisibility() && h1.innerText.trim()),
  };
}"""


@pytest.fixture
def open_tab(browser, live_server):
    """Open a tab at ``desktop`` or ``phone`` size, in a fresh browser profile."""
    contexts = []

    def open_tab(size="desktop", language="fr"):
        context = browser.new_context(viewport=VIEWPORTS[size], locale=BROWSER_LOCALES[language])
        contexts.append(context)
        return Tab(context, live_server.url, size)

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _generous_submission_rate(settings):
    """The limit has its own tests; reruns within the hour must not hit it in Redis."""
    settings.SUBMISSIONS_RATE = "1000/m"


# What shows the page is in the reader's language: the verdict's heading and rating.
VERDICT_WORDS = {"fr": ("Notre verdict", "Vrai"), "en": ("Our verdict", "True")}


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_loads_cleanly_in_both_languages_at_desktop_and_phone_width(
    open_tab, language, size
):
    """No console error or CSP refusal, no sideways scrolling, every field labelled."""
    elections, *_ = newsroom()
    tab = open_tab(size, language)
    for name, path in public_urls(language, elections).items():
        page = tab.visit(path)
        if name == "list":
            page.locator("summary").click()  # the filters, folded away on phones
        layout = tab.layout()
        assert layout == {
            "lang": language,
            "sideways": False,
            "unlabelled": [],
            "title_shown": True,
        }, name
        tab.screenshot(f"{language}-{name}")
        if name == "verdict":
            title, rating = VERDICT_WORDS[language]
            assert page.get_by_role("heading", level=1).inner_text() == elections.claim.text
            assert " ," not in page.locator(".said").inner_text()
            verdict = page.get_by_role("region", name=title)
            assert verdict.get_by_text(rating, exact=True).is_visible()
    assert tab.errors == []
    assert tab.outside == []


def test_search_ignores_accents_and_shows_only_the_matching_verdict(open_tab):
    """Typing « election » finds the verdict on « élections » and none of the others."""
    elections, unemployment, debt = newsroom()
    tab = open_tab("desktop")
    page = tab.visit("/fr/")
    search = page.get_by_role("searchbox", name="Rechercher dans les affirmations et les verdicts")
    search.press_sequentially("election")
    with page.expect_navigation():
        search.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["election"]
    results = page.get_by_role("region", name="Résultats")
    assert results.get_by_role("link", name=elections.claim.text).is_visible()
    assert unemployment.claim.text not in results.inner_text()
    assert debt.claim.text not in results.inner_text()
    assert page.get_by_role("searchbox").input_value() == "election"
    tab.screenshot("fr-search")
    assert tab.errors == [] and tab.outside == []


def test_a_reader_submits_a_claim_from_a_phone_and_lands_on_the_thanks_page(open_tab):
    """The form is filled in, sent, answered with thanks and kept in the database."""
    tab = open_tab("phone")
    page = tab.visit("/fr/submit/")
    page.get_by_label("Une affirmation à vérifier").check()
    text = "Le maire dit que la ville a planté 10 000 arbres en 2023."
    page.get_by_label("L'affirmation, ou l'erreur que vous avez trouvée").fill(text)
    page.get_by_label("Où l'avez-vous vue").fill("https://www.example.org/article")
    page.get_by_label("Votre adresse e-mail").fill("lectrice@example.org")
    tab.screenshot("fr-submit-filled")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    assert urlsplit(page.url).path == "/fr/submit/thanks/"
    assert page.get_by_role("heading", level=1).inner_text() == "Merci"
    assert tab.layout()["sideways"] is False
    tab.screenshot("fr-submit-thanks")
    submission = ReaderSubmission.objects.get(text=text)
    assert (submission.kind, submission.language) == (ReaderSubmission.Kind.CLAIM, "fr")
    assert (submission.url, submission.email) == (
        "https://www.example.org/article",
        "lectrice@example.org",
    )
    assert tab.errors == [] and tab.outside == []


def test_keyboard_focus_starts_on_a_visible_skip_link_and_stays_visible(open_tab):
    """The first Tab shows the skip link with an outline; Enter moves to the content."""
    elections, *_ = newsroom()
    tab = open_tab("desktop")
    page = tab.visit(public_urls("fr", elections)["verdict"])
    skip = page.get_by_role("link", name="Aller au contenu")
    assert not on_screen(skip)
    page.keyboard.press("Tab")
    assert skip.evaluate("link => link === document.activeElement")
    assert on_screen(skip)
    assert outline(skip) == ("solid", 3)
    tab.screenshot("fr-skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(6):  # the next stops, in the content, show where the keyboard is too
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert outline(focused) == ("solid", 3), focused.evaluate("e => e.outerHTML")
    assert tab.errors == []


# axe-core's rules for WCAG 2.0–2.2 levels A and AA, and its best practices (landmarks, heading
# order, one main, a unique h1…). Chromium computes what axe checks: contrast on the
# real backgrounds, accessible names, hidden yet focusable elements.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations", "incomplete"],
}
# The one check axe leaves undecided: the speaker chart's SVG text, whose background it cannot
# read through the bars; its colours are the stylesheet's text on the page (test_accessibility).
CHART_TEXT = re.compile(r'^<text [^>]*class="chart-(label|count)"')


def axe_audit(page, parts=None):
    """What axe-core finds wrong on ``page`` (or only in the elements the CSS selectors
    ``parts`` name), and what it could not decide, outside the chart."""
    context = {"include": [[selector] for selector in parts]} if parts else None
    results = Axe().run(page, context=context, options=AXE_OPTIONS).response
    assert results["passes"], "axe ran no rule"  # a script that failed to run finds nothing
    undecided = [
        (item["id"], node["html"])
        for item in results["incomplete"]
        for node in item["nodes"]
        if not (item["id"] == "color-contrast" and CHART_TEXT.match(node["html"]))
    ]
    violations = [
        (item["id"], item["help"], [node["html"] for node in item["nodes"]])
        for item in results["violations"]
    ]
    return violations, undecided


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_axe_finds_no_accessibility_problem_on_any_page(open_tab, language, size):
    """Every page, in the states readers meet: the filters unfolded (a second rating scale
    groups their options), a search with a date the form refuses, the submit form sent back
    empty, the thanks page, a page that does not exist."""
    elections, *_ = newsroom()
    published_verdict(rating=RatingFactory(scale__name="Flip-O-Meter", label_fr="Volte-face"))
    tab = open_tab(size, language)
    pages = public_urls(language, elections)
    found = {}
    for name, path in pages.items():
        page = tab.visit(path)
        if name == "list":
            page.locator("summary").click()
        found[name] = axe_audit(page)
    tab.visit(pages["list"] + "?q=election&since=2099-13-01")
    assert tab.page.locator(".field-error").count() == 1  # the refused date, beside its field
    found["search with an error"] = axe_audit(tab.page)
    errors_before = list(tab.errors)
    page = tab.visit(pages["submit"])
    with page.expect_navigation():
        page.locator("form.submit-form button[type=submit]").click()
    assert page.locator("[aria-invalid=true]").count() >= 1  # the claim is required
    found["submit sent back"] = axe_audit(page)
    found["thanks"] = axe_audit(tab.visit(pages["submit"] + "thanks/"))
    assert page.goto(tab.base_url + pages["list"] + "no-such-page/").status == 404
    found["not found"] = axe_audit(page)
    assert found == {name: ([], []) for name in found}
    assert errors_before == []
    # Chromium reports an error status as a console error: here, only the two wanted ones.
    statuses = [re.search(r"status of (\d+)", error) for error in tab.errors]
    assert [status and status.group(1) for status in statuses] == ["400", "404"], tab.errors
    assert tab.outside == []


def test_axe_finds_no_accessibility_problem_in_what_we_add_to_the_admin(open_tab):
    """The work queues, the workflow buttons, the correction form and the article with its
    claims marked. The rest of each page is Django's admin (see docs/workflow.md)."""
    elections, *_ = newsroom()
    EditorFactory(username="editor")
    tab = open_tab("desktop")
    page = tab.visit("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("editor")
    page.get_by_label("Mot de passe").fill("correct horse battery staple")
    with page.expect_navigation():
        page.get_by_role("button", name="Connexion").click()
    article = elections.claim.appearances.get().article
    ours = {
        "/admin/": ["#work-queue-counts"],
        "/admin/queues/": ["#work-queues"],
        # Our buttons and links among the object tools, not Django's "History" and "View on site".
        f"/admin/claims/review/{elections.pk}/change/": [
            ".object-tools li:not(:has(.historylink, .viewsitelink))"
        ],
        f"/admin/claims/review/{elections.pk}/correct/": ["#content"],
        f"/admin/claims/article/{article.pk}/change/": [".article-body"],
    }
    found = {}
    for path, parts in ours.items():
        page = tab.visit(path)
        assert page.locator(", ".join(parts)).count() >= 1, path  # the part is there to audit
        found[path] = axe_audit(page, parts)
    assert found == {path: ([], []) for path in ours}
    assert tab.errors == [] and tab.outside == []


def on_screen(locator):
    box = locator.bounding_box()
    width = locator.page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def outline(locator):
    """The focused element's outline style and width in CSS pixels."""
    style, width = locator.evaluate(
        "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
    )
    return style, width
