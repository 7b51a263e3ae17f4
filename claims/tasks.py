"""Celery tasks. Each takes ids, loads fresh rows, calls a service and is safe to run twice."""

from celery import shared_task
from django.db import connection


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
