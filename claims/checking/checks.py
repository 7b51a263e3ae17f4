"""Source checks with the database: queue them, run them once, keep the evidence, and keep
each source's link status (ok, changed, dead, blocked, error) and next check date."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import LinkStatus, Quotation, Review, Source, SourceCheck
from ..queueing import send_and_note, sweep_stale
from .perform import perform_check

logger = logging.getLogger(__name__)

RECHECK_PUBLISHED = timedelta(days=1)
RECHECK_OTHERS = timedelta(days=7)
RECHECK_FAILING = timedelta(days=3)  # failures count only when this far apart
RECHECK_DEAD = timedelta(days=30)
DEAD_AFTER_FAILURES = 3
# Deliveries that may end in a retry after a timeout or a 5xx; counted on the row, as a
# message re-sent (a busy host, the sweeper) starts Celery's count over.
TRANSIENT_RETRIES = 3
_RAW_EXTENSIONS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "txt"}


def request_check(*, source=None, article=None, reason="added"):
    """Create a queued check and send it to a worker once the current transaction commits."""
    url = source.url if source is not None else article.url
    check = SourceCheck.objects.create(source=source, article=article, url=url, reason=reason)
    transaction.on_commit(lambda: enqueue(check.pk))
    return check


def source_url_changed(source):
    """Start ``source``'s link status over for its new URL, and queue the URL's first check.

    The old URL's failures, status and snapshots say nothing about the new one.
    """
    Source.objects.filter(pk=source.pk).update(
        status=LinkStatus.UNCHECKED,
        failure_count=0,
        last_failure_at=None,
        last_checked_at=None,
        next_check_at=None,
    )
    source.status, source.failure_count = LinkStatus.UNCHECKED, 0
    source.last_failure_at = source.last_checked_at = source.next_check_at = None
    return request_check(source=source, reason="url changed")


def enqueue(check_id, countdown=None):
    """Publish without waiting on a dead broker: the sweeper sends the check later."""
    from ..tasks import check_source

    return send_and_note(check_source, SourceCheck, check_id, "check", countdown=countdown)


def url_to_check(check_id):
    """The URL a delivery of the check is to fetch; None when there is nothing left to do
    (finished, gone, or running on another worker), so a duplicate message ends here."""
    stale = timezone.now() - timedelta(seconds=settings.SOURCE_CHECK_STALE_AFTER)
    return (
        SourceCheck.objects.filter(pk=check_id)
        .filter(
            Q(state=SourceCheck.State.QUEUED)
            | Q(state=SourceCheck.State.RUNNING, started_at__lte=stale)
        )
        .values_list("url", flat=True)
        .first()
    )


def quotes_for(check):
    """What a source should contain: its claim's quotation, else the claim's text."""
    if check.source_id is None:
        return []
    claim = check.source.claim
    quotes = [claim.quotation or claim.text]
    quotes += (
        Quotation.objects.filter(claim=claim)
        .exclude(kind="indirect")
        .values_list("text", flat=True)
    )
    return list(dict.fromkeys(q.strip() for q in quotes if q and q.strip()))


def start_check(check_id):
    """Claim a check for this delivery; None when there is nothing (more) to do."""
    with transaction.atomic():
        check = (
            SourceCheck.objects.select_for_update(of=("self",))
            .select_related("source__claim")
            .filter(pk=check_id)
            .first()
        )
        if check is None or check.finished:
            return None
        now = timezone.now()
        stale = now - timedelta(seconds=settings.SOURCE_CHECK_STALE_AFTER)
        if (
            check.state == SourceCheck.State.RUNNING
            and check.started_at
            and check.started_at > stale
        ):
            return None  # another worker is on it; a duplicate delivery stops here
        check.deliveries += 1
        if check.deliveries > settings.SOURCE_CHECK_MAX_DELIVERIES:
            check.state = SourceCheck.State.FAILED
            check.error_class = SourceCheck.ErrorClass.GAVE_UP
            check.error = f"gave up after {check.deliveries - 1} deliveries"
            check.started_at = check.started_at or now
            check.finished_at = now
            check.save()
            _update_link_status(check, None)
            return None
        check.state = SourceCheck.State.RUNNING
        check.started_at = now
        check.finished_at = None
        check.save(update_fields=["state", "started_at", "finished_at", "deliveries"])
        return check


def _this_run(check):
    """The row while it is still the run this delivery started: a delivery that outlasted
    ``SOURCE_CHECK_STALE_AFTER`` may have been taken over, and the new run owns the row."""
    return SourceCheck.objects.filter(
        pk=check.pk, state=SourceCheck.State.RUNNING, started_at=check.started_at
    )


def run_check(check_id, *, may_retry=False):
    """Run one delivery of a check. Returns ``(check, outcome)``; the outcome is None when the
    delivery had nothing to do. A transient failure with ``may_retry`` leaves it queued."""
    check = start_check(check_id)
    if check is None:
        return SourceCheck.objects.filter(pk=check_id).first(), None
    try:
        outcome = perform_check(check.url, quotes_for(check))
    except Exception:
        logger.exception("check %s crashed", check.pk)
        _fail(check, SourceCheck.ErrorClass.INTERNAL, "unexpected error; see the worker's log")
        raise
    if outcome.transient and may_retry and check.deliveries <= TRANSIENT_RETRIES:
        error = f"{outcome.error} (will retry)"
        if not _this_run(check).update(state=SourceCheck.State.QUEUED, error=error):
            return _taken_over(check), None
        check.state, check.error = SourceCheck.State.QUEUED, error
        return check, outcome
    try:
        saved = save_outcome(check, outcome)
    except Exception:
        # Left "running", the check would wait for the sweeper and end as "gave up".
        logger.exception("check %s could not be saved", check.pk)
        _fail(check, SourceCheck.ErrorClass.INTERNAL, "could not save the result; see the log")
        raise
    if saved is None:
        return _taken_over(check), None
    return saved, outcome  # as saved: the task reports its final state


def _taken_over(check):
    logger.warning(
        "check %s was taken over by another delivery; this one's result dropped", check.pk
    )
    return SourceCheck.objects.filter(pk=check.pk).first()


@transaction.atomic
def save_outcome(check, outcome):
    """Record what a check found, keep the evidence, and update the source's link status;
    None when another delivery has taken the check over meanwhile."""
    check = _this_run(check).select_for_update().first()
    if check is None:
        return None
    now = timezone.now()
    check.final_url = outcome.final_url[:2000]
    # The column holds HTTP's statuses only (sourcecheck_http_status_range); the error text
    # says what a server answered outside them.
    status = outcome.status_code
    check.http_status = status if status is not None and 100 <= status <= 599 else None
    check.redirect_chain = outcome.redirects
    check.content_type = outcome.content_type[:200]
    check.bytes_read = len(outcome.body)
    check.content_sha256 = outcome.sha256
    check.title, check.author = outcome.title, outcome.author
    check.published, check.site_name, check.text = (
        outcome.published,
        outcome.site_name,
        outcome.text,
    )
    check.quote_results = outcome.quotes
    check.error_class, check.error = outcome.error_class, outcome.error
    check.finished_at = now
    check.started_at = check.started_at or now
    if outcome.ok:
        cited = _first_success(check)
        check.changed = None if cited is None else content_changed(cited, outcome)
        check.state = SourceCheck.State.DONE
        _keep_snapshot(check, outcome)
    else:
        check.state = SourceCheck.State.FAILED
    check.save()
    _update_link_status(check, outcome)
    return check


def content_changed(cited, outcome):
    """Whether the page says something else than at the ``cited`` check: its title and main
    text when it has some (a script nonce, a clock or an ad around them moves at every load),
    else its bytes."""
    if cited.text or outcome.text:
        return (cited.title, cited.text) != (outcome.title, outcome.text)
    return cited.content_sha256 != outcome.sha256


def _first_success(check):
    """The page as it was when cited: the first successful check of this address. Against
    the previous check instead, an edited page read "changed" once, then "ok" again."""
    earlier = SourceCheck.objects.filter(state=SourceCheck.State.DONE, url=check.url).exclude(
        pk=check.pk
    )
    if check.source_id:
        earlier = earlier.filter(source_id=check.source_id)
    else:
        earlier = earlier.filter(article_id=check.article_id)
    return earlier.order_by("finished_at", "id").first()


def _keep_snapshot(check, outcome):
    extension = _RAW_EXTENSIONS.get(outcome.content_type, "bin")
    check.snapshot_raw.save(f"check-{check.pk}.{extension}", ContentFile(outcome.body), save=False)
    if outcome.text:
        check.snapshot_text.save(
            f"check-{check.pk}.txt", ContentFile(outcome.text.encode("utf-8")), save=False
        )


@transaction.atomic
def _fail(check, error_class, message):
    now = timezone.now()
    if not _this_run(check).update(
        state=SourceCheck.State.FAILED, error_class=error_class, error=message, finished_at=now
    ):
        return  # another delivery has the check now
    check.refresh_from_db()
    _update_link_status(check, None)


def _update_link_status(check, outcome):
    """A source is dead after three failures at least three days apart, as the Internet
    Archive's link bot does; one success makes it alive again; our own crashes do not count."""
    if check.source_id is None:
        return
    source = Source.objects.select_for_update().get(pk=check.source_id)
    if source.url != check.url:
        # A late check of the address the source had before: kept, but it says nothing of
        # the current one.
        return
    now = timezone.now()
    if check.error_class == SourceCheck.ErrorClass.INTERNAL:
        # A crash of our own says nothing of the link: its status and failures stay as they
        # were (three crashes would otherwise call a good link dead); only try again later.
        source.next_check_at = now + RECHECK_FAILING
        source.skip_history_when_saving = True
        source.save(update_fields=["next_check_at"])
        return
    source.last_checked_at = now
    if outcome is not None and outcome.ok:
        source.status = LinkStatus.CHANGED if check.changed else LinkStatus.OK
        source.failure_count, source.last_failure_at = 0, None
        published = Review.objects.filter(claim_id=source.claim_id, state="published").exists()
        source.next_check_at = now + (RECHECK_PUBLISHED if published else RECHECK_OTHERS)
    elif check.error_class == SourceCheck.ErrorClass.BLOCKED:
        source.status = LinkStatus.BLOCKED
        source.next_check_at = now + RECHECK_DEAD
    else:
        if source.last_failure_at is None or now - source.last_failure_at >= RECHECK_FAILING:
            source.failure_count += 1
            source.last_failure_at = now
        dead = source.failure_count >= DEAD_AFTER_FAILURES
        source.status = LinkStatus.DEAD if dead else LinkStatus.ERROR
        source.next_check_at = now + (RECHECK_DEAD if dead else RECHECK_FAILING)
    # Check results are logged in SourceCheck; the source's edit history is for people's edits.
    source.skip_history_when_saving = True
    source.save(
        update_fields=[
            "status",
            "last_checked_at",
            "next_check_at",
            "failure_count",
            "last_failure_at",
        ]
    )


def schedule_due_checks(now=None, limit=500):
    """Queue a check for every source whose next check is due and that has none pending."""
    now = now or timezone.now()
    pending = SourceCheck.objects.filter(
        source=OuterRef("pk"), state__in=[SourceCheck.State.QUEUED, SourceCheck.State.RUNNING]
    )
    due = (
        Source.objects.filter(next_check_at__lte=now)
        .exclude(Exists(pending))
        .order_by("next_check_at")[:limit]
    )
    queued = 0
    for source in due:
        with transaction.atomic():
            # Two runs at once (two beat instances, a redelivered task) each queued every due
            # source. The row lock decides, and moving the row's next check on makes the other
            # run's lock see it is no longer due (its snapshot may predate this check).
            source = (
                Source.objects.select_for_update(skip_locked=True)
                .filter(pk=source.pk, next_check_at__lte=now)
                .exclude(Exists(pending))
                .first()
            )
            if source is None:
                continue
            # Until the check sets the next one; a check that never ends leaves this date.
            Source.objects.filter(pk=source.pk).update(next_check_at=now + RECHECK_FAILING)
            request_check(source=source, reason="scheduled")
        queued += 1
    return queued


def sweep_stale_checks(now=None):
    """Periodic: send again the checks stuck queued or running (queueing.sweep_stale)."""
    from ..tasks import check_source

    return sweep_stale(check_source, SourceCheck, "check", "queued_at", now)
