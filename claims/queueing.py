"""Sending work to the workers without ever making a request wait on a dead broker."""

import logging

logger = logging.getLogger(__name__)


def send_or_leave_queued(task, object_id, what):
    """Publish ``task(object_id)``; when the broker is down, log it and return False — the row
    stays queued in the database and the sweeper sends it later."""
    try:
        task.apply_async((object_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row queued
        logger.warning("could not queue %s %s (%s); the sweeper will", what, object_id, exc)
        return False
    return True
