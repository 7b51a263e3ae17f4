"""Celery tasks. Each takes ids, loads fresh rows, calls a service and is safe to run twice."""

import random
from urllib.parse import urlsplit

from celery import shared_task
from django.db import connection
from django.utils import timezone

from .checking.checks import (
    TRANSIENT_RETRIES,
    run_check,
    schedule_due_checks,
    sweep_stale_checks,
    url_to_check,
)
from .checking.checks import enqueue as enqueue_check
from .checking.hostslots import host_slot
from .import_jobs import run_import_job, sweep_stale_imports
from .models import SourceCheck, WebhookDelivery
from .publishing.webhooks import deliver, sweep_stale_deliveries
from .queueing import note_sent

CHECK_RETRIES = TRANSIENT_RETRIES


@shared_task
def ping():
    """Round trip through the broker to a worker and its database: proves the wiring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {
        "database": connection.vendor,
        "name": str(connection.settings_dict["NAME"]),
        "ok": one == 1,
    }


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import(job_id):
    """Fetch or read, extract and store one import job (on the ``extraction`` queue)."""
    job = run_import_job(job_id)
    return {"job": job.pk, "state": job.state, "article": job.article_id}


def backoff(retries):
    """Exponential backoff with full jitter: 0–10 s, then 0–20 s, then 0–40 s."""
    return random.uniform(0, 10 * 2**retries)  # noqa: S311 - jitter, not security


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=CHECK_RETRIES,
    ignore_result=True,
)
def check_source(self, check_id):
    """Run one source check (on the ``checks`` queue); timeouts and 5xx are retried."""
    url = url_to_check(check_id)
    if url is None:
        return None
    with host_slot(urlsplit(url).hostname) as free:
        if not free:
            # The host already has its share of fetches in flight: come back shortly,
            # without spending one of the check's retries.
            enqueue_check(check_id, countdown=random.uniform(1, 3))  # noqa: S311
            return {"check": check_id, "state": "waiting for the host"}
        check, outcome = run_check(check_id, may_retry=True)
    if outcome is not None and outcome.transient and check.state == SourceCheck.State.QUEUED:
        note_sent(SourceCheck, check_id)
        # The row counts the deliveries: this message may be one re-sent, counting from 0.
        raise self.retry(countdown=backoff(check.deliveries - 1))
    return {"check": check_id, "state": check.state if check else None}


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True
)
def deliver_webhook(self, delivery_id):
    """One attempt at a webhook delivery (on the ``checks`` queue: I/O bound). The row counts
    the attempts (``WEBHOOK_MAX_ATTEMPTS``) and holds the next attempt's time; only the
    message that made an attempt schedules the next one, so duplicates don't multiply."""
    delivery, attempted = deliver(delivery_id)
    if delivery is None:
        return None
    if attempted and delivery.state == WebhookDelivery.State.QUEUED:
        countdown = max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())
        note_sent(WebhookDelivery, delivery_id)
        raise self.retry(countdown=countdown)
    return {"delivery": delivery_id, "state": delivery.state, "attempts": delivery.attempts}


@shared_task
def schedule_rechecks():
    """Periodic (beat): queue the checks that are due."""
    return schedule_due_checks()


@shared_task
def sweep_stale_checks_task():
    """Periodic (beat): send again the checks, imports and webhook deliveries stuck in queued
    or running."""
    return {
        "checks": sweep_stale_checks(),
        "imports": sweep_stale_imports(),
        "webhooks": sweep_stale_deliveries(),
    }
