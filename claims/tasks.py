"""Celery tasks. Each takes ids, loads fresh rows, calls a service and is safe to run twice."""

from celery import shared_task
from django.db import connection

from .import_jobs import run_import_job


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


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import(job_id):
    """Fetch or read, extract and store one import job (on the ``extraction`` queue)."""
    job = run_import_job(job_id)
    return {"job": job.pk, "state": job.state, "article": job.article_id}
