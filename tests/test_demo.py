"""The README's first command, end to end: `make demo` on SQLite with in-process tasks."""

import http.cookiejar
import json
import re
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from .conftest import PROJECT_DIR, free_port, manage, stop_process_group, subprocess_env


def read_until(process, pattern, timeout):
    """Lines of the process's output until one matches ``pattern``."""
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line)
        match = re.search(pattern, line)
        if match:
            return match, lines
    output = "".join(lines)
    raise AssertionError(f"demo output never matched {pattern!r}:\n{output}")


def wait_for_http(url, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# Run in the demo's database: the fact-checker drafts a verdict and hands it to an editor.
DRAFT_AND_SUBMIT = """
from django.contrib.auth import get_user_model
from claims.models import Claim, Rating, Source
from claims.workflow.claims import select_claim
from claims.workflow.reviews import start_review, submit_review
author = get_user_model().objects.get(username=%r)
claim = Claim.objects.filter(status=Claim.Status.CANDIDATE).order_by("pk").first()
Source.objects.create(claim=claim, url="https://www.insee.fr/", title="Insee")
select_claim(claim, author)
review = start_review(
    claim, author, rating=Rating.objects.get(scale__is_default=True, slug="faux"),
    conclusion="Faux.", explanation="Démonstration.",
)
print(submit_review(review, author).pk)
"""

# The first import in the demo server loads the spaCy model in-process: generous on a busy CI.
REQUEST_TIMEOUT = 60


class Browser:
    """Just enough of a browser for the admin login: cookies and CSRF."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=REQUEST_TIMEOUT) as response:
            return response.geturl(), response.read().decode()

    def post(self, path, data):
        csrf = next(c.value for c in self.cookies if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            return response.geturl(), response.read().decode()


@pytest.mark.slow
def test_make_demo_serves_the_sample_article_in_the_admin(tmp_path):
    port = free_port()
    env = subprocess_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        REDIS_URL=None,
        DEBUG=None,
        SECRET_KEY=None,
        DEMO_ADDR=f"127.0.0.1:{port}",
        # The demo's sources are public pages, which its checks would fetch; a test sends
        # nothing beyond loopback: with every web port refused, they are blocked before any
        # lookup.
        SOURCE_FETCH_ALLOWED_PORTS="1",
        SOURCE_FETCH_ALLOWED_NETWORKS=None,
    )
    process = subprocess.Popen(
        ["make", "demo"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        match, lines = read_until(
            process, r"Admin: (http://\S+)/admin/\s+username: (\S+)\s+password: (\S+)", 300
        )
        base, username, password = match.groups()
        assert base == f"http://127.0.0.1:{port}"
        fact_checker, more = read_until(process, r"A fact-checker's account: ([\w-]+),", 30)
        lines += more
        assert any("Database: sqlite3" in line for line in lines)
        assert wait_for_http(f"{base}/healthz", 60) == 200

        browser = Browser(base)
        browser.get("/admin/login/")
        landed, _ = browser.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        assert landed == f"{base}/admin/"
        _, articles = browser.get("/admin/claims/article/")
        assert "Trump rencontrera Poutine pour la première fois au G20 de Hambourg" in articles
        article_path = re.search(r'href="(/admin/claims/article/\d+/change/)', articles).group(1)
        _, article = browser.get(article_path)
        assert "a annoncé jeudi la Maison Blanche" in article
        assert '<mark class="claim-span"' in article
        assert "AFP" in article
        _, claims = browser.get("/admin/claims/claim/?status__exact=candidate")
        assert "H.R. McMaster" in claims

        # Importing from the admin runs in-process without Redis and lands at once.
        _, form = browser.get("/admin/claims/importjob/add/")
        landed, job = browser.post(
            "/admin/claims/importjob/add/",
            {
                "raw": "Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l'Insee.",
                "url": "",
                "title": "Chômage",
                "outlet": "",
                "language": "fr",
                "published": "2025-02-13",
            },
        )
        assert re.search(r"/admin/claims/importjob/\d+/change/$", landed)
        assert "Terminé" in job

        # Readers see the demonstration verdicts, and search works on SQLite too.
        assert any("Public site: " in line and "(2 published verdicts)" in line for line in lines)
        _, verdicts = Browser(base).get("/fr/?q=frappe")
        assert "Les Etats-Unis se sont également opposés à Moscou" in verdicts
        assert "Donald Trump rencontrera" not in verdicts
        # Each word anywhere, whatever its case and accents, as PostgreSQL's search does.
        _, folded = Browser(base).get("/fr/?q=EGALEMENT%20moscou")
        assert "Les Etats-Unis se sont également opposés à Moscou" in folded
        _, none = Browser(base).get("/fr/?q=%C3%A9galement%20-moscou")
        assert "Les Etats-Unis se sont également opposés à Moscou" not in none
        verdict_path = re.search(r'href="(/fr/verdicts/\d+/[\w-]+/)"', verdicts).group(1)
        _, verdict = Browser(base).get(verdict_path)
        assert "Verdict de démonstration" in verdict and "application/ld+json" in verdict
        # Bylines name the demo's people, never their login names.
        assert re.search(r"<dd>(Vérificateur|Éditrice) de démonstration</dd>", verdict)
        assert "demo-fact-checker" not in verdict and ">demo<" not in verdict

        # The fact-checker's account logs in too, and may not publish.
        checker = Browser(base)
        checker.get("/admin/login/")
        landed, index = checker.post(
            "/admin/login/?next=/admin/",
            {"username": fact_checker.group(1), "password": password},
        )
        assert landed == f"{base}/admin/" and 'id="count-candidates"' in index
        assert 'id="count-waiting_editor"' not in index

        # A verdict the fact-checker hands to the editor opens and is published from the
        # admin on SQLite too (its page once asked for DISTINCT ON, which SQLite lacks).
        drafted = manage("shell", "-c", DRAFT_AND_SUBMIT % fact_checker.group(1), env=env)
        assert drafted.returncode == 0, drafted.stderr
        review_id = int(drafted.stdout.split()[-1])
        _, page = browser.get(f"/admin/claims/review/{review_id}/change/")
        assert "approve_publish" in page
        version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
        _, after = browser.post(
            f"/admin/claims/review/{review_id}/transition/approve_publish/",
            {"expected_version": version},
        )
        assert "Approuvée et publiée." in after
        # The sync feed serves a change once API_SYNC_SAFETY_LAG has passed.
        deadline = time.monotonic() + 30
        while True:
            _, feed = Browser(base).get("/api/v1/reviews/")
            if len(json.loads(feed)["results"]) == 3 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert [r["id"] for r in json.loads(feed)["results"]][-1] == review_id
    finally:
        stop_process_group(process)
        process.stdout.close()
    assert (tmp_path / "demo.sqlite3").exists()
