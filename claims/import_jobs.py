"""Imports queued from the admin and run by an extraction worker."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# Stored in English, shown in the reader's language (ImportJobAdmin.step_shown).
from django.utils.translation import gettext_noop

from .documents import document_from_text, document_from_url
from .importing import ArticleInputError, import_document, local_midnight
from .models import ImportJob
from .queueing import send_and_note, sweep_stale

logger = logging.getLogger(__name__)


def queue_import(job):
    """Send the job to the extraction queue once the transaction that created it commits."""
    transaction.on_commit(lambda: send_import(job.pk))
    return job


def send_import(job_id):
    """Publish without waiting on a dead broker: the sweeper sends the job later."""
    from .tasks import run_import

    return send_and_note(run_import, ImportJob, job_id, "import")


def sweep_stale_imports(now=None):
    """Periodic: send again the imports stuck queued or running (queueing.sweep_stale)."""
    from .tasks import run_import

    return sweep_stale(run_import, ImportJob, "import", "created_at", now)


def run_import_job(job_id):
    """Run one import job; a job already finished is left alone, so redelivery is harmless."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return job
        stale = timezone.now() - timedelta(seconds=settings.SOURCE_CHECK_STALE_AFTER)
        if job.state == ImportJob.State.RUNNING and job.started_at and job.started_at > stale:
            return job  # another worker is on it: this is a duplicate delivery
        # A job left "running" long ago was interrupted (worker lost): running it again is
        # safe, because importing the same text twice finds the article already there. Not
        # for ever: an input that kills its worker would take one down at every sweep.
        if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            return _fail(
                job,
                gettext_noop(
                    "Gave up: no run of this import finished (its worker stopped, or took "
                    "longer than SOURCE_CHECK_STALE_AFTER); the details are in the worker's log."
                ),
            )
        _update(
            job,
            state=ImportJob.State.RUNNING,
            started_at=timezone.now(),
            attempts=job.attempts + 1,
            progress=5,
            step=gettext_noop("Reading the input"),
        )
    try:
        if job.source == ImportJob.Source.URL:
            _update(job, progress=10, step=gettext_noop("Fetching the page"))
            document = document_from_url(job.url)
        else:
            document = document_from_text(job.raw, name=job.filename or "text")
        _update(job, progress=40, step=gettext_noop("Extracting claims"))
        result = import_document(
            document,
            title=job.title,
            outlet=job.outlet,
            url=job.url,
            published_at=local_midnight(job.published) if job.published else None,
            language=job.language,
            imported_by=job.created_by,
        )
    except ArticleInputError as exc:
        return _fail(job, str(exc))
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _fail(
            job,
            gettext_noop("Unexpected error while importing; the details are in the worker's log."),
        )
        raise
    step = (
        gettext_noop("Done")
        if result.created
        else gettext_noop("Done: this text was already imported")
    )
    _update(
        job,
        state=ImportJob.State.DONE,
        progress=100,
        step=step,
        error="",  # a give-up written while this run was still going
        article=result.article,
        claims_created=result.claims_created,
        claims_matched=result.claims_matched,
        finished_at=timezone.now(),
    )
    return job


def _fail(job, error):
    """End the job failed with ``error``; returns it."""
    _update(
        job,
        state=ImportJob.State.FAILED,
        step=gettext_noop("Failed"),
        finished_at=timezone.now(),
        error=error,
    )
    return job


def _update(job, **fields):
    """Save progress at once, outside any longer transaction, so the admin sees it live."""
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)
