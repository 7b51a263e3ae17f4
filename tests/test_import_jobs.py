"""Imports queued from the admin: the form answers at once, a real worker does the work."""

import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.demo import SAMPLE_ARTICLE
from claims.import_jobs import run_import_job, sweep_stale_imports
from claims.models import Article, Claim, ImportJob

from .factories import StaffFactory
from .test_importing import ARTICLE_HTML


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(username="desk"))
    return client


def wait_until_finished(job, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.pk} still {job.state} after {timeout} s: {job.step}")


def add(client, **data):
    fields = {"raw": "", "url": "", "title": "", "outlet": "", "language": "", "published": ""}
    return client.post(reverse("admin:claims_importjob_add"), {**fields, **data})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pasted_text_is_queued_and_a_worker_imports_it(staff_client, celery_worker_process):
    response = add(
        staff_client,
        raw=SAMPLE_ARTICLE.read_text(),
        outlet="AFP",
        published="2017-06-29",
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_importjob_change", args=[job.pk])
    job = wait_until_finished(job)
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert job.article.outlet == "AFP"
    assert job.claims_created == Claim.objects.count() > 0
    assert job.created_by.username == "desk"
    page = staff_client.get(reverse("admin:claims_importjob_change", args=[job.pk]))
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html  # finished: the page stops refreshing
    assert reverse("admin:claims_article_change", args=[job.article_id]) in html


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_html_file_is_imported(staff_client, celery_worker_process):
    upload = SimpleUploadedFile("chomage.html", ARTICLE_HTML.encode(), content_type="text/html")
    response = staff_client.post(
        reverse("admin:claims_importjob_add"),
        {"upload": upload, "raw": "", "url": "", "title": "", "outlet": "", "language": ""},
    )
    assert response.status_code == 302
    job = wait_until_finished(ImportJob.objects.get())
    assert job.state == "done", job.error
    assert (job.source, job.filename) == ("file", "chomage.html")
    assert job.article.title == "Chômage : nouvelle baisse"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_unreachable_url_fails_with_a_clear_message(staff_client, celery_worker_process):
    # The worker refuses loopback addresses: the fetch is blocked before any connection.
    response = add(staff_client, url="http://127.0.0.1:9/article")
    assert response.status_code == 302
    job = wait_until_finished(ImportJob.objects.get())
    assert job.state == "failed"
    assert "private or reserved address" in job.error
    assert not Article.objects.exists()
    page = staff_client.get(reverse("admin:claims_importjob_change", args=[job.pk]))
    assert "private or reserved address" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, files, message",
    [
        ({}, {}, "Donnez une seule source"),
        ({"raw": "Un texte.", "url": "https://www.afp.com/x"}, {}, "Donnez une seule source"),
        ({}, {"upload": ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")}, "binary file"),
        ({}, {"upload": ("latin1.txt", "déclaré".encode("latin-1"))}, "not UTF-8 text"),
        ({"url": "ftp://example.org/a"}, {}, "Saisissez une URL valide"),
        ({"raw": "Un texte.", "published": "0001-01-01"}, {}, "entre 1800 et 2199"),
    ],
)
def test_bad_input_is_refused_by_the_form_and_nothing_is_queued(staff_client, data, files, message):
    uploads = {name: SimpleUploadedFile(*spec) for name, spec in files.items()}
    fields = {"raw": "", "url": "", "title": "", "outlet": "", "language": "", **data}
    response = staff_client.post(reverse("admin:claims_importjob_add"), {**fields, **uploads})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_an_uploaded_page_saved_in_latin1_is_read_in_its_declared_charset(staff_client):
    page = ARTICLE_HTML.replace("<head>", '<head><meta charset="iso-8859-1">', 1)
    assert 'charset="iso-8859-1"' in page
    upload = SimpleUploadedFile("chomage.html", page.encode("iso-8859-1"))
    fields = {"raw": "", "url": "", "title": "", "outlet": "", "language": ""}
    response = staff_client.post(
        reverse("admin:claims_importjob_add"), {**fields, "upload": upload}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    run_import_job(job.pk)  # what the worker runs; the form kept the decoded text
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert job.article.title == "Chômage : nouvelle baisse"


@pytest.mark.django_db
def test_html_pasted_from_a_page_is_imported_without_its_markup():
    paragraphs = "".join(f"<p>{line}</p>" for line in SAMPLE_ARTICLE.read_text().splitlines())
    job = ImportJob.objects.create(source="text", raw=f"<section>{paragraphs}</section>")
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == "done", job.error
    article = Article.objects.get()
    assert "<p>" not in article.body and "Poutine" in article.body
    assert not Claim.objects.filter(text__contains="<").exists()


@pytest.mark.django_db
def test_running_a_finished_job_again_changes_nothing():
    job = ImportJob.objects.create(source="text", raw=SAMPLE_ARTICLE.read_text())
    run_import_job(job.pk)
    job.refresh_from_db()
    claims = Claim.objects.count()
    assert job.state == "done"
    run_import_job(job.pk)
    assert Claim.objects.count() == claims
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_job_another_worker_is_running_is_left_alone():
    job = ImportJob.objects.create(source="text", raw=SAMPLE_ARTICLE.read_text())
    ImportJob.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now())
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == "running" and not Article.objects.exists()


@pytest.mark.django_db
def test_stale_jobs_are_sent_again_by_the_sweeper():
    old = timezone.now() - timedelta(hours=1)
    stuck = ImportJob.objects.create(source="text", raw="Un texte.")
    ImportJob.objects.filter(pk=stuck.pk).update(created_at=old)
    ImportJob.objects.create(source="text", raw="Un autre texte.")  # just queued: left alone
    now = timezone.now()
    assert sweep_stale_imports(now) == 1
    stuck.refresh_from_db()
    assert stuck.sent_at is not None and stuck.state == "queued"
    # That message may be waiting behind a long queue: the next sweeps add no duplicate...
    assert sweep_stale_imports(now + timedelta(minutes=5)) == 0
    # ...until it has waited the stale period too (and so has the job queued since).
    assert sweep_stale_imports(now + timedelta(minutes=11)) == 2


@pytest.mark.django_db
def test_an_interrupted_job_is_run_again_without_duplicates():
    job = ImportJob.objects.create(source="text", raw=SAMPLE_ARTICLE.read_text())
    run_import_job(job.pk)
    claims = Claim.objects.count()
    ImportJob.objects.filter(pk=job.pk).update(  # as if a worker died an hour ago
        state="running", started_at=timezone.now() - timedelta(hours=1)
    )
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == "done"
    assert Claim.objects.count() == claims


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_at_every_attempt_is_given_up(settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    job = ImportJob.objects.create(source="text", raw=SAMPLE_ARTICLE.read_text())
    # As if the worker had died during both runs (out of memory on this input, say), the
    # last an hour ago: the sweeper sends the job again.
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", started_at=timezone.now() - timedelta(hours=1), attempts=2
    )
    run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.step) == ("failed", 2, "Failed")
    assert job.error.startswith("Gave up: no run of this import finished")
    assert job.finished_at is not None and not Article.objects.exists()
    assert sweep_stale_imports(timezone.now() + timedelta(hours=1)) == 0


@pytest.mark.django_db
def test_each_run_of_a_job_counts_as_an_attempt():
    job = ImportJob.objects.create(source="text", raw=SAMPLE_ARTICLE.read_text())
    run_import_job(job.pk)
    run_import_job(job.pk)  # a duplicate delivery of a finished job: not an attempt
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw, published, message",
    [
        (
            "<html><body><script>var a = 1;</script><nav>Menu</nav></body></html>",
            None,
            "no article",
        ),
        ("Der Präsident hat am Donnerstag eine Steuererhöhung angekündigt. " * 5, None, "'de' is"),
        # Stored before dates were checked in the form.
        (SAMPLE_ARTICLE.read_text(), date(1, 1, 1), "0001-01-01: "),
    ],
)
def test_a_job_that_cannot_be_imported_fails_with_its_reason(raw, published, message):
    job = ImportJob.objects.create(source="text", raw=raw, published=published)
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == "failed"
    assert message in job.error
    assert job.finished_at is not None
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_pasted_text_has_the_same_size_limit_as_a_file(staff_client, settings):
    settings.ARTICLE_MAX_BYTES = 1000
    response = add(staff_client, raw="Le chômage a baissé de 3 % en 2016. " * 100)
    assert response.status_code == 200
    assert "la limite est de 1,000" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_job_s_step_and_the_worker_s_own_error_are_shown_in_the_reader_s_language(
    staff_client,
):
    job = ImportJob.objects.create(source="text", raw="<html><body><nav>Menu</nav></body></html>")
    run_import_job(job.pk)  # fails: no article text
    job.refresh_from_db()
    assert job.step == "Failed"  # stored in English, whatever the worker's language
    failed = ImportJob.objects.create(
        source="text",
        raw="Un texte.",
        state="failed",
        step="Extracting claims",
        error="Unexpected error while importing; the details are in the worker's log.",
    )
    url = reverse("admin:claims_importjob_change", args=[failed.pk])
    page = staff_client.get(url).content.decode()
    assert "Extraction des affirmations" in page
    assert "Erreur inattendue pendant l&#x27;import" in page
    english = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Extracting claims" in english
