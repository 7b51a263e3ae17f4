"""End to end in a real browser: a fact-checker imports the sample article, selects a claim,
adds a source (a real worker checks it), drafts and submits a verdict; an editor publishes it,
readers and partners see it, the editor corrects it and the corrections log shows the note."""

import json
import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Error as PlaywrightError

from claims.demo import SAMPLE_ARTICLE
from claims.models import Claim, Correction, ImportJob, Review, Source

from .conftest import checks_worker_env, start_worker, stop_process_group
from .factories import UserFactory, default_rating
from .test_browser import Tab, browser, live_server  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
CLAIM_START = "Les Etats-Unis se sont également opposés à Moscou"
SOURCE_PAGE = b"""<!doctype html><html lang="fr"><head><title>Frappe sur Al-Chaayrate</title>
</head><body><article><h1>Frappe sur Al-Chaayrate</h1><p>Le 7 avril 2017, les Etats-Unis ont
frappe la base aerienne syrienne d'Al-Chaayrate avec 59 missiles de croisiere Tomahawk.</p>
<p>La frappe faisait suite a l'attaque chimique de Khan Cheikhoun du 4 avril 2017.</p>
</article></body></html>"""


@pytest.fixture
def worker(django_db_blocker):
    """One real worker for imports and source checks, allowed to fetch 127.0.0.2 only."""
    with django_db_blocker.unblock():
        env = checks_worker_env()
    process = start_worker("extraction,checks", "e2e", env, pool="threads", concurrency=2)
    yield process
    stop_process_group(process)


def wait_for(predicate, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def member(group, username):
    user = UserFactory(username=username, is_staff=True)
    from .factories import role_group

    user.groups.add(role_group(group))
    return user


class Session:
    """One person's browser profile, logged in to the admin."""

    def __init__(self, chromium, server, user, name):
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        self.tab = Tab(self.context, server.url, name)
        self.page = self.tab.page
        self.base = server.url
        self.page.goto(f"{self.base}/admin/login/?next=/admin/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url(f"{self.base}/admin/")

    def go(self, path):
        response = self.page.goto(self.base + path)
        if response is None:  # no new document (the page was there, refreshing itself): reload
            response = self.page.reload()
        assert response is not None and response.status == 200, f"{path} answered {response.status}"
        return self.page

    def settled(self, path):
        """True once the page shows ``path`` and no longer refreshes itself."""
        try:
            self.page.wait_for_load_state()
            return (
                self.page.url == self.base + path
                and not self.page.locator("meta[http-equiv=refresh]").count()
            )
        except PlaywrightError:  # a reload was under way
            return False

    def shot(self, step):
        return self.tab.screenshot(f"workflow-{step}")

    def close(self):
        assert self.tab.outside == [], self.tab.outside
        assert self.tab.errors == [], self.tab.errors
        self.context.close()


def test_import_to_published_and_corrected_verdict(browser, live_server, worker, source_pages):  # noqa: F811
    default_rating("vrai")  # the scale, which the transactional flush removed
    source_pages.pages["/frappe"] = (200, "text/html; charset=utf-8", SOURCE_PAGE)
    checker = member("Fact-checker", "lea")
    editor = member("Editor", "marc")
    Group.objects.get(name="Editor")  # both roles exist

    # The fact-checker imports the sample article; the worker extracts its claims.
    fc = Session(browser, live_server, checker, "fact-checker")
    page = fc.go("/admin/claims/importjob/add/")
    page.fill("textarea[name=raw]", SAMPLE_ARTICLE.read_text())
    page.fill("input[name=title]", "Trump rencontrera Poutine au G20")
    page.fill("input[name=outlet]", "AFP")
    page.select_option("select[name=language]", "fr")
    page.click("input[name=_save]")
    job = wait_for(
        lambda: ImportJob.objects.filter(
            created_by=checker, state__in=[ImportJob.State.DONE, ImportJob.State.FAILED]
        ).first(),
        "the import",
    )
    assert job.state == ImportJob.State.DONE, job.error
    claim = Claim.objects.get(appearances__article=job.article, text__startswith=CLAIM_START)
    # The job's page reloads itself every 2 s until the job ends: wait for its last reload.
    wait_for(lambda: fc.settled(f"/admin/claims/importjob/{job.pk}/change/"), "the job's page")
    fc.shot("01-imported")

    # Triage: select the claim for checking from the list.
    page = fc.go(f"/admin/claims/claim/?article={job.article_id}")
    page.check(f"input[name=_selected_action][value='{claim.pk}']")
    page.select_option("select[name=action]", "select_for_checking")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.SELECTED
    fc.shot("02-selected")

    # A source, added on the claim's page; its background check runs in the worker.
    page = fc.go(f"/admin/claims/claim/{claim.pk}/change/")
    page.fill("input[name=sources-0-url]", source_pages.url("/frappe"))
    page.fill("input[name=sources-0-title]", "Frappe sur Al-Chaayrate")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    source = Source.objects.get(claim=claim)
    wait_for(lambda: Source.objects.get(pk=source.pk).status == "ok", "the source check")
    page = fc.go(f"/admin/claims/source/{source.pk}/change/")
    assert page.locator(".link-status").first.inner_text().strip()
    fc.shot("03-source-checked")

    # The verdict, drafted from the claim's page, then submitted to an editor.
    page = fc.go(f"/admin/claims/claim/{claim.pk}/change/")
    page.click(f"a[href$='/admin/claims/review/add/?claim={claim.pk}']")
    page.wait_for_load_state()
    page.select_option("select[name=rating]", str(default_rating("vrai").pk))
    page.fill("input[name=conclusion]", "Les États-Unis ont bien frappé Al-Chaayrate en 2017.")
    page.fill("textarea[name=explanation]", "La frappe date du **7 avril 2017**.")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    review = Review.objects.get(claim=claim)
    assert (review.state, review.author) == (Review.State.DRAFT, checker)
    page.click("form[action$='/transition/submit/'] button")
    page.wait_for_load_state()
    assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW
    assert page.locator("form[action$='/transition/approve_publish/']").count() == 0
    fc.shot("04-submitted")
    fc.close()

    # The editor finds it in the work queue and publishes it.
    ed = Session(browser, live_server, editor, "editor")
    page = ed.go("/admin/queues/")
    page.click(f"#queue-waiting_editor a[href$='/admin/claims/review/{review.pk}/change/']")
    page.wait_for_load_state()
    page.click("form[action$='/transition/approve_publish/'] button")
    page.wait_for_load_state()
    review = Review.objects.get(pk=review.pk)
    assert (review.state, review.editor) == (Review.State.PUBLISHED, editor)
    ed.shot("05-published")

    # Readers see it, and so do partners.
    public = ed.go(review.get_absolute_url())
    assert "Les États-Unis ont bien frappé Al-Chaayrate en 2017." in public.content()
    ed.shot("06-public-page")
    api = ed.page.request.get(f"{live_server.url}/api/v1/reviews/{review.pk}/")
    assert api.status == 200
    assert json.loads(api.text())["conclusion"] == review.conclusion

    # A correction, with its public note, shows in the corrections log.
    page = ed.go(f"/admin/claims/review/{review.pk}/correct/")
    page.fill("textarea[name=note]", "La frappe a visé la base d'Al-Chaayrate, pas Homs.")
    page.fill("input[name=conclusion]", "Les États-Unis ont frappé la base d'Al-Chaayrate en 2017.")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    note = Correction.objects.get(review=review)
    assert note.created_by == editor
    public = ed.go(review.get_absolute_url())
    html = public.content()
    assert "La frappe a visé la base d&#x27;Al-Chaayrate, pas Homs." in html or (
        "La frappe a visé la base d'Al-Chaayrate, pas Homs." in html
    )
    assert "Les États-Unis ont frappé la base d" in html
    ed.shot("07-corrected")
    ed.close()
