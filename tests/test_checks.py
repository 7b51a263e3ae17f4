"""Source checks: what one check records, the evidence it keeps, link status over time, and
the reliability of checks on real workers (killed mid-check, broker down)."""

import json
import signal
import subprocess
import threading
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims.checking.checks import (
    TRANSIENT_RETRIES,
    request_check,
    run_check,
    schedule_due_checks,
    start_check,
    sweep_stale_checks,
)
from claims.checking.perform import perform_check
from claims.models import LinkStatus, Source, SourceCheck
from claims.queueing import note_sent, send_again
from claims.tasks import check_source

from .conftest import (
    checks_worker_env,
    free_port,
    manage,
    start_worker,
    stop_process_group,
)
from .factories import (
    ClaimFactory,
    FactCheckerFactory,
    ReviewFactory,
    SourceFactory,
    StaffFactory,
    UserFactory,
)

PAGE = """<!doctype html><html lang="fr"><head><title>Insee – Chômage au 4e trimestre 2024</title>
<meta name="author" content="Insee"><meta property="og:site_name" content="Insee">
<meta property="article:published_time" content="2025-02-13"></head><body><nav>Menu</nav>
<article><h1>Chômage au 4e trimestre 2024</h1>
<p>Le nombre de chômeurs a reculé de 180 000 en 2024, ramenant le taux de chômage à 7,1 % de la
population active. Il s'agit du niveau le plus bas depuis 1982.</p>
<p>Le taux d'emploi des 15-64 ans atteint 68,8 %, un record depuis le début des mesures.</p>
</article></body></html>"""


def html(body=PAGE):
    return (200, "text/html; charset=utf-8", body.encode())


class TestPerformCheck:
    def test_a_page_is_fetched_extracted_and_digested(self, source_pages):
        source_pages.pages["/chomage"] = html()
        outcome = perform_check(source_pages.url("/chomage"))
        assert outcome.ok and outcome.error_class == ""
        assert (outcome.status_code, outcome.content_type) == (200, "text/html")
        assert outcome.title == "Chômage au 4e trimestre 2024"  # the site name is dropped
        assert (outcome.site_name, outcome.published.isoformat()) == ("Insee", "2025-02-13")
        assert "reculé de 180 000 en 2024" in outcome.text and "Menu" not in outcome.text
        assert len(outcome.sha256) == 64 and outcome.body == PAGE.encode()

    @pytest.mark.parametrize(
        "status, error_class, transient", [(404, "http_4xx", False), (503, "http_5xx", True)]
    )
    def test_error_statuses_are_classified(self, source_pages, status, error_class, transient):
        source_pages.pages["/x"] = (status, "text/html", b"<h1>error</h1>")
        outcome = perform_check(source_pages.url("/x"))
        assert (outcome.ok, outcome.error_class, outcome.transient) == (
            False,
            error_class,
            transient,
        )
        assert outcome.status_code == status

    def test_a_document_that_is_not_html_is_still_evidence(self, source_pages):
        source_pages.pages["/rapport.pdf"] = (200, "application/pdf", b"%PDF-1.7 ...")
        outcome = perform_check(source_pages.url("/rapport.pdf"))
        assert (outcome.ok, outcome.error_class, outcome.text) == (True, "not_html", "")
        assert outcome.sha256

    def test_a_latin_1_page_keeps_its_accents_and_its_quotes_are_found(self, source_pages):
        page = PAGE.replace(
            '<html lang="fr"><head>', '<html lang="fr"><head><meta charset="iso-8859-1">'
        )
        # Pages that say Latin-1 are written in windows-1252 (its dash here), as browsers assume.
        source_pages.pages["/latin1"] = (200, "text/html", page.encode("cp1252"))
        outcome = perform_check(
            source_pages.url("/latin1"), ["ramenant le taux de chômage à 7,1 %"]
        )
        assert outcome.title == "Chômage au 4e trimestre 2024"
        assert "\ufffd" not in outcome.text and "Il s'agit du niveau" in outcome.text
        assert outcome.quotes[0]["verdict"] == "exact"

    def test_quotes_are_not_called_absent_from_a_document_with_no_text(self, source_pages):
        source_pages.pages["/rapport.pdf"] = (200, "application/pdf", b"%PDF-1.7 ...")
        outcome = perform_check(source_pages.url("/rapport.pdf"), ["le taux de chômage"])
        assert outcome.text == "" and outcome.quotes == []

    def test_loopback_is_blocked_unless_allowed(self, source_pages, settings):
        source_pages.pages["/chomage"] = html()
        settings.SOURCE_FETCH_ALLOWED_NETWORKS = ""
        outcome = perform_check(source_pages.url("/chomage"))
        assert (outcome.ok, outcome.error_class) == (False, "blocked")
        assert source_pages.requests == []


@pytest.mark.django_db
class TestRunCheck:
    def source(self, source_pages, path="/chomage", **kwargs):
        source_pages.pages.setdefault(path, html())
        return SourceFactory(url=source_pages.url(path), **kwargs)

    def latest(self, source):
        return source.checks.order_by("-id").first()

    def test_adding_a_source_queues_a_check(self, source_pages):
        source = self.source(source_pages)
        check = self.latest(source)
        assert (check.state, check.reason, check.url) == ("queued", "added", source.url)

    def test_changing_the_url_queues_another(self, source_pages):
        source = self.source(source_pages)
        source.title = "Insee"
        source.save()
        assert source.checks.count() == 1
        source.url = source_pages.url("/ailleurs")
        source.save()
        assert self.latest(source).reason == "url changed"

    def test_a_check_records_the_page_and_keeps_the_evidence(self, source_pages):
        source = self.source(source_pages)
        check, _ = run_check(self.latest(source).pk)
        check.refresh_from_db()
        assert (check.state, check.http_status, check.deliveries) == ("done", 200, 1)
        assert check.final_url == source.url and check.redirect_chain == []
        assert check.bytes_read == len(PAGE.encode()) and check.changed is None
        assert (check.title, check.site_name) == ("Chômage au 4e trimestre 2024", "Insee")
        assert check.snapshot_raw.read() == PAGE.encode()
        assert "reculé de 180 000" in check.snapshot_text.read().decode()
        source.refresh_from_db()
        assert source.status == LinkStatus.OK
        assert source.next_check_at - source.last_checked_at == timedelta(days=7)

    def test_sources_of_published_verdicts_are_rechecked_daily(self, source_pages):
        claim = ClaimFactory()
        ReviewFactory(claim=claim)
        source = self.source(source_pages, claim=claim)
        run_check(self.latest(source).pk)
        source.refresh_from_db()
        assert source.next_check_at - source.last_checked_at == timedelta(days=1)

    def test_a_page_with_nul_bytes_is_checked_not_left_running(self, source_pages):
        body = "Rapport\x00 annuel : le chômage a reculé en 2024.".encode()
        source_pages.pages["/nul"] = (200, "text/plain; charset=utf-8", body)
        source = self.source(source_pages, "/nul")
        check, _ = run_check(self.latest(source).pk)
        check.refresh_from_db()
        assert check.state == "done"
        assert check.text == "Rapport annuel : le chômage a reculé en 2024."
        source.refresh_from_db()
        assert source.status == LinkStatus.OK

    def test_content_changes_are_detected(self, source_pages):
        source = self.source(source_pages)
        run_check(self.latest(source).pk)
        again = request_check(source=source, reason="recheck")
        run_check(again.pk)
        again.refresh_from_db()
        source.refresh_from_db()
        assert (again.changed, source.status) == (False, LinkStatus.OK)
        source_pages.pages["/chomage"] = html(PAGE.replace("180 000", "150 000"))
        third = request_check(source=source, reason="recheck")
        run_check(third.pk)
        third.refresh_from_db()
        source.refresh_from_db()
        assert (third.changed, source.status) == (True, LinkStatus.CHANGED)

    def test_what_moves_at_every_load_is_no_change(self, source_pages):
        # A script nonce, a clock and an ad rotate on each request; the article does not.
        def page(load, article=PAGE):
            extra = (
                f'<script nonce="n{load}">var t={load};</script>'
                f"<aside>Publicité {load} – il est {load}h</aside></body>"
            )
            return html(article.replace("</body>", extra))

        source_pages.pages["/chomage"] = page(1)
        source = self.source(source_pages)
        first, _ = run_check(self.latest(source).pk)
        source_pages.pages["/chomage"] = page(2)
        again, _ = run_check(request_check(source=source, reason="recheck").pk)
        again.refresh_from_db()
        first.refresh_from_db()
        assert again.content_sha256 != first.content_sha256  # other bytes...
        source.refresh_from_db()
        assert (again.changed, source.status) == (False, LinkStatus.OK)  # ...the same article
        source_pages.pages["/chomage"] = page(3, PAGE.replace("180 000", "150 000"))
        third, _ = run_check(request_check(source=source, reason="recheck").pk)
        third.refresh_from_db()
        source.refresh_from_db()
        assert (third.changed, source.status) == (True, LinkStatus.CHANGED)

    def test_an_edited_page_stays_changed_until_it_says_what_was_cited(self, source_pages):
        # Against the previous check, the next daily recheck called the edited page "ok".
        source = self.source(source_pages)
        run_check(self.latest(source).pk)
        source_pages.pages["/chomage"] = html(PAGE.replace("180 000", "150 000"))
        statuses = []
        for _ in range(2):
            run_check(request_check(source=source, reason="recheck").pk)
            source.refresh_from_db()
            statuses.append(source.status)
        source_pages.pages["/chomage"] = html()  # edited back
        run_check(request_check(source=source, reason="recheck").pk)
        source.refresh_from_db()
        assert statuses + [source.status] == [LinkStatus.CHANGED, LinkStatus.CHANGED, LinkStatus.OK]

    def test_a_retitled_page_has_changed(self, source_pages):
        source = self.source(source_pages)
        run_check(self.latest(source).pk)
        source_pages.pages["/chomage"] = html(PAGE.replace("4e trimestre", "3e trimestre"))
        again, _ = run_check(request_check(source=source, reason="recheck").pk)
        again.refresh_from_db()
        assert again.changed is True

    def test_a_new_url_starts_its_link_status_over(self, source_pages):
        source_pages.pages["/gone"] = (404, "text/html", b"gone")
        source_pages.pages["/chomage"] = html()
        source = self.source(source_pages, path="/gone")
        run_check(self.latest(source).pk)
        source.refresh_from_db()
        assert (source.status, source.failure_count) == (LinkStatus.ERROR, 1)
        source.url = source_pages.url("/chomage")
        source.save()
        stored = Source.objects.get(pk=source.pk)
        assert (stored.status, stored.failure_count, stored.last_checked_at) == (
            LinkStatus.UNCHECKED,
            0,
            None,
        )
        check, _ = run_check(self.latest(source).pk)
        check.refresh_from_db()
        source.refresh_from_db()
        assert check.changed is None  # a first look at this address, not a change
        assert (source.status, source.failure_count) == (LinkStatus.OK, 0)

    def test_the_first_check_of_a_new_url_is_not_a_change_of_the_old_page(self, source_pages):
        source = self.source(source_pages)
        run_check(self.latest(source).pk)
        source_pages.pages["/ailleurs"] = html(PAGE.replace("180 000", "150 000"))
        source.url = source_pages.url("/ailleurs")
        source.save()
        check, _ = run_check(self.latest(source).pk)
        check.refresh_from_db()
        source.refresh_from_db()
        assert (check.changed, source.status) == (None, LinkStatus.OK)

    def test_a_late_check_of_the_old_url_leaves_the_new_urls_status_alone(self, source_pages):
        source_pages.pages["/gone"] = (404, "text/html", b"gone")
        source_pages.pages["/chomage"] = html()
        source = self.source(source_pages, path="/gone")
        old = self.latest(source)
        source.url = source_pages.url("/chomage")
        source.save()
        run_check(self.latest(source).pk)
        run_check(old.pk)  # a worker reaches the old URL's check only now
        old.refresh_from_db()
        source.refresh_from_db()
        assert (old.state, old.http_status) == ("failed", 404)  # kept as a record
        assert (source.status, source.failure_count) == (LinkStatus.OK, 0)

    def test_a_link_is_dead_after_three_failures_three_days_apart(self, source_pages):
        source = self.source(source_pages, path="/gone")
        source_pages.pages["/gone"] = (404, "text/html", b"gone")
        for expected_count, expected_status in [(1, "error"), (1, "error")]:
            run_check(request_check(source=source, reason="recheck").pk)
            source.refresh_from_db()
            assert (source.failure_count, source.status) == (expected_count, expected_status)
        # Failures count once per three days: move the last one back in time.
        for expected_count, expected_status in [(2, "error"), (3, "dead")]:
            Source.objects.filter(pk=source.pk).update(
                last_failure_at=timezone.now() - timedelta(days=3, minutes=1)
            )
            run_check(request_check(source=source, reason="recheck").pk)
            source.refresh_from_db()
            assert (source.failure_count, source.status) == (expected_count, expected_status)
        source_pages.pages["/gone"] = html()
        run_check(request_check(source=source, reason="recheck").pk)
        source.refresh_from_db()
        assert (source.failure_count, source.status) == (0, LinkStatus.OK)

    def test_a_status_outside_http_is_a_final_error_of_its_own(self, source_pages):
        # LinkedIn answers 999 to robots: no server error to retry, no status to store.
        source_pages.pages["/999"] = (999, "text/html", b"<h1>Request denied</h1>")
        source = self.source(source_pages, "/999")
        check, outcome = run_check(self.latest(source).pk, may_retry=True)
        assert not outcome.transient
        check.refresh_from_db()
        assert (check.state, check.error_class, check.http_status) == (
            "failed",
            "http_nonstandard",
            None,
        )
        assert "999" in check.error
        source.refresh_from_db()
        assert (source.status, source.failure_count) == (LinkStatus.ERROR, 1)

    def test_a_crash_of_ours_is_recorded_but_is_no_failure_of_the_link(
        self, source_pages, monkeypatch
    ):
        source = self.source(source_pages)
        run_check(self.latest(source).pk)

        def crash(*args, **kwargs):
            raise RuntimeError("a bug in the checker")

        monkeypatch.setattr("claims.checking.checks.perform_check", crash)
        for _ in range(3):  # three crashes, three days apart: as many as kill a link
            Source.objects.filter(pk=source.pk, last_failure_at__isnull=False).update(
                last_failure_at=timezone.now() - timedelta(days=3, minutes=1)
            )
            with pytest.raises(RuntimeError):
                run_check(request_check(source=source, reason="recheck").pk)
        check = self.latest(source)
        assert (check.state, check.error_class) == ("failed", "internal")
        source.refresh_from_db()
        assert (source.status, source.failure_count) == (LinkStatus.OK, 0)
        # Looked at again later, not at every scheduling round.
        assert source.next_check_at - timezone.now() > timedelta(days=2)

    def test_a_blocked_source_is_marked_blocked_without_any_connection(self, source_pages):
        source = SourceFactory(url="http://127.0.0.1:9/admin")  # outside the allowed network
        check, _ = run_check(self.latest(source).pk)
        check.refresh_from_db()
        source.refresh_from_db()
        assert (check.state, check.error_class, source.status) == ("failed", "blocked", "blocked")

    def test_a_transient_failure_can_stay_queued_for_a_retry(self, source_pages):
        source_pages.pages["/busy"] = (503, "text/html", b"busy")
        source = self.source(source_pages, path="/busy")
        check, outcome = run_check(self.latest(source).pk, may_retry=True)
        check.refresh_from_db()
        assert outcome.transient and check.state == "queued" and "will retry" in check.error
        source.refresh_from_db()
        assert source.status == LinkStatus.UNCHECKED

    def test_retries_are_counted_on_the_row_whatever_message_brings_them(self, source_pages):
        # A message re-sent while the host was busy, or by the sweeper, starts Celery's count
        # over: counted there, a lasting 503 ended "gave up" instead of saying it was a 503.
        source_pages.pages["/busy"] = (503, "text/html", b"busy")
        source = self.source(source_pages, path="/busy")
        check = self.latest(source)
        states = [run_check(check.pk, may_retry=True)[0].state for _ in range(TRANSIENT_RETRIES)]
        last, _ = run_check(check.pk, may_retry=True)
        last.refresh_from_db()
        assert states == ["queued"] * TRANSIENT_RETRIES
        assert (last.state, last.error_class, last.http_status) == ("failed", "http_5xx", 503)
        assert len(source_pages.requests) == TRANSIENT_RETRIES + 1

    def test_the_task_reports_the_state_the_check_ended_in(self, source_pages):
        source = self.source(source_pages)
        check = self.latest(source)
        # It reported "running": the row as the delivery started it, not as it was saved.
        assert check_source.apply(args=[check.pk]).get() == {"check": check.pk, "state": "done"}

    def test_a_finished_check_is_not_run_again(self, source_pages):
        source = self.source(source_pages)
        check, _ = run_check(self.latest(source).pk)
        requests = len(source_pages.requests)
        assert run_check(check.pk) == (SourceCheck.objects.get(pk=check.pk), None)
        assert len(source_pages.requests) == requests

    def test_a_check_another_worker_is_running_is_left_alone(self, source_pages):
        source = self.source(source_pages)
        check = self.latest(source)
        assert start_check(check.pk) is not None
        assert start_check(check.pk) is None  # a duplicate delivery

    def test_deliveries_are_bounded(self, source_pages, settings):
        source = self.source(source_pages)
        check = self.latest(source)
        SourceCheck.objects.filter(pk=check.pk).update(
            deliveries=settings.SOURCE_CHECK_MAX_DELIVERIES
        )
        assert start_check(check.pk) is None
        check.refresh_from_db()
        assert (check.state, check.error_class) == ("failed", "gave_up")
        assert source_pages.requests == []

    def test_due_sources_are_scheduled_once(self, source_pages):
        source = self.source(source_pages)
        run_check(self.latest(source).pk)
        Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now())
        assert schedule_due_checks() == 1
        assert schedule_due_checks() == 0  # one is already pending
        assert self.latest(source).reason == "scheduled"


@pytest.mark.django_db
def test_check_source_prints_one_json_object_and_saves_nothing(source_pages, capsys):
    source_pages.pages["/chomage"] = html()
    call_command("check_source", source_pages.url("/chomage"), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {
        "url",
        "final_url",
        "status_code",
        "ok",
        "error",
        "content_type",
        "bytes",
        "sha256",
        "title",
        "author",
        "published",
        "site_name",
        "text",
        "quotes",
    }
    assert (payload["ok"], payload["error"], payload["status_code"]) == (True, None, 200)
    assert payload["published"] == "2025-02-13" and payload["bytes"] == len(PAGE.encode())
    assert not SourceCheck.objects.exists()


@pytest.mark.django_db
def test_check_source_reports_a_blocked_url(web_pages, capsys):
    web_pages.pages["/"] = html()
    call_command("check_source", web_pages.url("/"), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert (payload["ok"], payload["error"], payload["status_code"]) == (False, "blocked", None)
    assert web_pages.requests == []


# --- On real workers -----------------------------------------------------------------------


@pytest.fixture
def checks_worker(django_db_blocker):
    with django_db_blocker.unblock():
        env = checks_worker_env()
    process = start_worker("checks", "checks", env, pool="threads", concurrency=4)
    yield process
    stop_process_group(process)


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_source_added_in_the_admin_is_checked_by_a_worker(client, source_pages, checks_worker):
    source_pages.pages["/chomage"] = html()
    client.force_login(StaffFactory())
    claim = ClaimFactory()
    response = client.post(
        reverse("admin:claims_source_add"),
        {"claim": claim.pk, "url": source_pages.url("/chomage"), "kind": "official"},
    )
    assert response.status_code == 302
    source = Source.objects.get()
    wait_for(lambda: Source.objects.get().status == LinkStatus.OK, what="the check")
    check = source.checks.get()
    assert (check.state, check.http_status, check.deliveries) == ("done", 200, 1)
    page = client.get(reverse("admin:claims_source_change", args=[source.pk])).content.decode()
    assert 'class="link-status"' in page and "OK" in page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_check_survives_its_worker_being_killed(source_pages, settings, django_db_blocker):
    settings.SOURCE_CHECK_STALE_AFTER = 2
    source_pages.pages["/slow"] = (*html(), 3)  # answers after 3 s
    with django_db_blocker.unblock():
        env = checks_worker_env(SOURCE_CHECK_STALE_AFTER="2")
    first = start_worker("checks", "doomed", env)
    try:
        source = SourceFactory(url=source_pages.url("/slow"))
        check = source.checks.get()
        wait_for(lambda: SourceCheck.objects.get(pk=check.pk).state == "running", what="start")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert SourceCheck.objects.get(pk=check.pk).state == "running"
    second = start_worker("checks", "survivor", env)
    try:
        time.sleep(2.1)  # the check is now stale
        assert sweep_stale_checks() == 1  # what beat does every five minutes
        wait_for(lambda: SourceCheck.objects.get(pk=check.pk).finished, what="the re-run")
    finally:
        stop_process_group(second)
    check.refresh_from_db()
    assert (check.state, check.http_status, check.deliveries) == ("done", 200, 2)


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of our own, so the test can stop it without touching anyone else's."""
    port = free_port()
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
        wait_for(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(port), "ping"],
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout.strip()
                == "PONG"
            ),
            what="redis",
        )
        return process

    server = {"process": start(), "url": f"redis://127.0.0.1:{port}/0", "start": start}
    yield server
    stop_process_group(server["process"])


ADD_SOURCES = """
from claims.models import Claim, Source
claim = Claim.objects.get()
for n in range(3):
    Source.objects.create(claim=claim, url="{url}?n=%d" % n)
print(Source.objects.count())
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_checks_requested_while_redis_is_down_all_run_once_it_is_back(
    source_pages, private_redis, django_db_blocker
):
    source_pages.pages["/chomage?n=0"] = html()
    source_pages.pages["/chomage?n=1"] = html()
    source_pages.pages["/chomage?n=2"] = html()
    ClaimFactory()
    with django_db_blocker.unblock():
        env = checks_worker_env(REDIS_URL=private_redis["url"], SOURCE_CHECK_STALE_AFTER="0")
    stop_process_group(private_redis["process"])  # the broker stops accepting connections

    # The sources are saved and their checks queued in the database all the same; the shell
    # returns instead of hanging on the broker.
    added = manage(
        "shell",
        "--no-imports",
        "-c",
        ADD_SOURCES.format(url=source_pages.url("/chomage")),
        env=env,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    assert Source.objects.count() == 3
    assert set(SourceCheck.objects.values_list("state", flat=True)) == {"queued"}

    private_redis["process"] = private_redis["start"]()
    worker = start_worker("checks", "after-outage", env, pool="threads", concurrency=4)
    try:
        swept = manage(
            "shell",
            "--no-imports",
            "-c",
            "from claims.checking.checks import sweep_stale_checks as s; print(s())",
            env=env,
        )
        assert swept.stdout.strip() == "3", swept.stderr
        wait_for(
            lambda: set(SourceCheck.objects.values_list("state", flat=True)) == {"done"},
            what="every check",
        )
    finally:
        stop_process_group(worker)
    assert set(Source.objects.values_list("status", flat=True)) == {"ok"}
    assert SourceCheck.objects.count() == 3


# --- The sweeper and duplicate messages ---------------------------------------------------


def queued_long_ago(source, minutes=20):
    check = source.checks.get()
    SourceCheck.objects.filter(pk=check.pk).update(
        queued_at=timezone.now() - timedelta(minutes=minutes)
    )
    return check


@pytest.mark.django_db
def test_the_sweeper_sends_a_lost_check_again_once_per_stale_period(settings):
    settings.SOURCE_CHECK_STALE_AFTER = 600
    check = queued_long_ago(SourceFactory())  # its message never reached the broker
    now = timezone.now()
    assert sweep_stale_checks(now) == 1
    check.refresh_from_db()
    assert check.sent_at is not None and check.state == "queued"
    # Beat's next sweeps, while that message waits in a long queue: no duplicate piles up.
    assert sweep_stale_checks(now + timedelta(minutes=5)) == 0
    assert sweep_stale_checks(now + timedelta(minutes=9)) == 0
    # No worker took it within the stale period: presumed lost, sent again.
    assert sweep_stale_checks(now + timedelta(minutes=11)) == 1


@pytest.mark.django_db
def test_two_sweeps_at_once_send_a_lost_check_once(settings):
    settings.SOURCE_CHECK_STALE_AFTER = 600
    check = queued_long_ago(SourceFactory())
    stale = timezone.now() - timedelta(minutes=10)
    # Both sweeps read the check as not sent lately, then each tries to send it.
    first = send_again(check_source, SourceCheck, check.pk, "check", unless_sent_since=stale)
    second = send_again(check_source, SourceCheck, check.pk, "check", unless_sent_since=stale)
    assert (first, second) == (True, False)


@pytest.mark.django_db(transaction=True)
def test_a_sweep_that_cannot_reach_the_broker_leaves_the_check_to_the_next():
    check = queued_long_ago(SourceFactory())
    SourceCheck.objects.filter(pk=check.pk).update(sent_at=None)  # its message was lost
    # A sweep in a process whose broker is down: nothing listens on that port.
    down = checks_worker_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    sweep = "from claims.checking.checks import sweep_stale_checks as s; print(s())"
    swept = manage("shell", "--no-imports", "-c", sweep, env=down)
    assert swept.stdout.strip() == "0", swept.stderr
    check.refresh_from_db()
    assert check.sent_at is None  # claimed, not sent, given back: the next sweep sends it
    assert sweep_stale_checks() == 1


@pytest.mark.django_db
def test_the_sweeper_sends_a_stale_running_check_again_once_per_stale_period(settings):
    settings.SOURCE_CHECK_STALE_AFTER = 600
    check = SourceFactory().checks.get()
    long_ago = timezone.now() - timedelta(minutes=20)
    SourceCheck.objects.filter(pk=check.pk).update(
        state="running", started_at=long_ago, sent_at=long_ago
    )
    now = timezone.now()
    assert sweep_stale_checks(now) == 1  # its worker died
    assert sweep_stale_checks(now + timedelta(minutes=5)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_delivery_taken_over_leaves_the_new_runs_result_alone(source_pages, settings):
    """A delivery that outlasts the stale period is taken over; when it returns, its result
    is dropped. It set the finished check back to queued, for good: every later delivery then
    crashed on the row's constraint, and the source was never rechecked again."""
    settings.SOURCE_CHECK_STALE_AFTER = 1
    source_pages.pages["/lent"] = (503, "text/html", b"busy", 2.5)
    source = SourceFactory(url=source_pages.url("/lent"))
    check = source.checks.get()
    slow = threading.Thread(
        target=in_own_connection(run_check), args=(check.pk,), kwargs={"may_retry": True}
    )
    slow.start()
    time.sleep(1.5)
    source_pages.pages["/lent"] = html()
    run_check(check.pk)  # the sweeper's message, once the first delivery is stale
    slow.join(10)
    check.refresh_from_db()
    source.refresh_from_db()
    assert (check.state, check.http_status, check.error) == ("done", 200, "")
    assert source.status == LinkStatus.OK
    Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now())
    assert schedule_due_checks() == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_each_due_source_once():
    # Two beat instances, or a scheduling task delivered twice, ran side by side: each queued
    # every due source.
    sources = SourceFactory.create_batch(100)
    now = timezone.now()
    SourceCheck.objects.update(state="done", started_at=now, finished_at=now)
    Source.objects.update(next_check_at=now)
    together = threading.Barrier(2)
    counts = []

    def schedule():
        together.wait()
        counts.append(schedule_due_checks())

    runs = [threading.Thread(target=in_own_connection(schedule)) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(60)
    pending = SourceCheck.objects.filter(state="queued", reason="scheduled")
    assert sum(counts) == 100
    assert sorted(pending.values_list("source_id", flat=True)) == sorted(s.pk for s in sources)


def in_own_connection(function):
    """``function`` for a thread: Django gives it a connection of its own, closed after."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return run


@pytest.mark.django_db
def test_a_check_waiting_for_its_host_is_not_swept(settings):
    settings.SOURCE_CHECK_STALE_AFTER = 600
    from claims.checking.hostslots import host_slot

    host = f"busy-{time.monotonic_ns()}.example"
    check = queued_long_ago(SourceFactory(url=f"https://{host}/chomage"))
    limit = settings.SOURCE_FETCH_PER_HOST
    with ExitStack() as slots:
        assert all(slots.enter_context(host_slot(host)) for _ in range(limit))
        result = check_source.apply(args=[check.pk]).get()
    assert result == {"check": check.pk, "state": "waiting for the host"}
    check.refresh_from_db()
    assert check.state == "queued" and check.sent_at is not None
    # Its message comes back every few seconds: the sweeper has nothing to add.
    assert sweep_stale_checks() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["done", "running"])
def test_a_duplicate_message_ends_at_once_instead_of_waiting_for_the_host(settings, state):
    from claims.checking.hostslots import host_slot

    host = f"busy-{time.monotonic_ns()}.example"
    check = SourceFactory(url=f"https://{host}/chomage").checks.get()
    # Finished, or just started by another worker.
    SourceCheck.objects.filter(pk=check.pk).update(state=state, started_at=timezone.now())
    with ExitStack() as slots:
        for _ in range(settings.SOURCE_FETCH_PER_HOST):
            slots.enter_context(host_slot(host))
        assert check_source.apply(args=[check.pk]).get() is None
    check.refresh_from_db()
    assert (check.state, check.sent_at, check.deliveries) == (state, None, 0)


@pytest.mark.django_db
def test_a_recent_send_is_not_written_again(settings):
    settings.SOURCE_CHECK_STALE_AFTER = 600
    check = SourceFactory().checks.get()
    note_sent(SourceCheck, check.pk)
    first = SourceCheck.objects.get(pk=check.pk).sent_at
    note_sent(SourceCheck, check.pk)  # seconds later, as a check waiting for its host is
    assert SourceCheck.objects.get(pk=check.pk).sent_at == first
    a_while_ago = timezone.now() - timedelta(seconds=61)  # a tenth of the stale period
    SourceCheck.objects.filter(pk=check.pk).update(sent_at=a_while_ago)
    note_sent(SourceCheck, check.pk)
    assert SourceCheck.objects.get(pk=check.pk).sent_at > a_while_ago


# --- Per-host limit, evidence, admin ------------------------------------------------------


def test_a_host_gets_a_limited_number_of_fetches_at_once(settings):
    from claims.checking.hostslots import host_slot

    host = f"busy-{time.monotonic_ns()}.example"
    with host_slot(host, limit=2) as first, host_slot(host, limit=2) as second:
        with host_slot(host, limit=2) as third:
            assert (first, second, third) == (True, True, False)
        with host_slot("other.example", limit=2) as elsewhere:
            assert elsewhere is True
    with host_slot(host, limit=2) as again:
        assert again is True  # slots are given back


@pytest.mark.django_db
class TestEvidenceAndAdmin:
    @pytest.fixture
    def checked(self, source_pages):
        source_pages.pages["/chomage"] = html('<script>alert("x")</script>' + PAGE)
        claim = ClaimFactory(
            text="Le nombre de chômeurs a reculé de 180 000 en 2024.", quotation=""
        )
        source = SourceFactory(claim=claim, url=source_pages.url("/chomage"))
        check, _ = run_check(source.checks.get().pk)
        check.refresh_from_db()
        return check

    def test_quotes_are_verified_against_the_page(self, checked):
        (verdict,) = checked.quote_results
        assert verdict["verdict"] == "exact"
        assert verdict["matched_text"] == "Le nombre de chômeurs a reculé de 180 000 en 2024"

    def test_snapshots_are_for_staff_only_and_never_rendered_as_html(self, checked, client):
        url = reverse("evidence-snapshot", args=[checked.pk, "raw"])
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(StaffFactory())
        response = client.get(url)
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment")
        assert "sandbox" in response["Content-Security-Policy"]
        assert b'<script>alert("x")</script>' in b"".join(response.streaming_content)
        text = client.get(reverse("evidence-snapshot", args=[checked.pk, "text"]))
        assert "reculé de 180 000" in b"".join(text.streaming_content).decode()

    def test_snapshots_need_the_right_to_read_checks_not_just_staff(self, checked, client):
        url = reverse("evidence-snapshot", args=[checked.pk, "text"])
        client.force_login(UserFactory(is_staff=True))  # staff, but in no newsroom role
        assert client.get(url).status_code == 403
        client.force_login(FactCheckerFactory())
        response = client.get(url)
        assert response.status_code == 200
        assert "reculé de 180 000" in b"".join(response.streaming_content).decode()

    def test_the_check_page_shows_verdicts_and_evidence(self, checked, client):
        client.force_login(StaffFactory())
        page = client.get(reverse("admin:claims_sourcecheck_change", args=[checked.pk]))
        html_page = page.content.decode()
        assert "<mark>Le nombre de chômeurs a reculé de 180 000 en 2024</mark>" in html_page
        assert reverse("evidence-snapshot", args=[checked.pk, "text"]) in html_page
        assert '<script>alert("x")</script>' not in html_page

    def test_recheck_action_and_failing_sources_list(self, checked, client, source_pages):
        client.force_login(StaffFactory())
        dead = SourceFactory(url=source_pages.url("/gone"))
        Source.objects.filter(pk=dead.pk).update(status=LinkStatus.DEAD)
        response = client.post(
            reverse("admin:claims_source_changelist"),
            {"action": "recheck", "_selected_action": [checked.source_id]},
        )
        assert response.status_code == 302
        assert checked.source.checks.filter(reason="recheck", state="queued").exists()
        failing = client.get(reverse("admin:claims_failingsource_changelist"))
        listed = {s.pk for s in failing.context["cl"].result_list}
        assert listed == {dead.pk}

    def test_failing_sources_keep_their_last_error_while_a_recheck_waits(
        self, client, source_pages
    ):
        source = SourceFactory(url=source_pages.url("/gone"))
        run_check(source.checks.get().pk)
        request_check(source=source, reason="recheck")
        client.force_login(StaffFactory())
        page = client.get(reverse("admin:claims_failingsource_changelist"))
        assert "HTTP 404" in page.content.decode()


@pytest.mark.django_db
def test_check_source_verifies_quotes(source_pages, capsys):
    source_pages.pages["/chomage"] = html()
    call_command(
        "check_source",
        source_pages.url("/chomage"),
        "--json",
        "--quote",
        "Le nombre de chômeurs a reculé de 150 000 en 2024",
    )
    (quote,) = json.loads(capsys.readouterr().out)["quotes"]
    assert quote["verdict"] == "altered"
    assert "180 000" in quote["matched_text"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_server_error_is_retried_by_the_worker(source_pages, checks_worker):
    source_pages.pages["/flaky"] = (503, "text/html", b"<h1>busy</h1>")
    source = SourceFactory(url=source_pages.url("/flaky"))
    wait_for(lambda: len(source_pages.requests) >= 1, what="the first attempt")
    source_pages.pages["/flaky"] = html()  # the server recovers
    check = source.checks.get()
    wait_for(lambda: SourceCheck.objects.get(pk=check.pk).finished, what="the retry")
    check.refresh_from_db()
    # The first answer was a 503; each retry is one more delivery and one more fetch (the
    # jittered backoff may retry before the server recovers).
    assert (check.state, check.http_status) == ("done", 200)
    assert check.deliveries == len(source_pages.requests) >= 2
