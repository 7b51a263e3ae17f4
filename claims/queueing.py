"""Sending work to the workers without ever making a request wait on a dead broker."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def send_or_leave_queued(task, object_id, what, countdown=None):
    """Publish ``task(object_id)``; when the broker is down, log it and return False — the row
    stays queued in the database and the sweeper sends it later."""
    try:
        task.apply_async((object_id,), retry=False, countdown=countdown)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row queued
        logger.warning("could not queue %s %s (%s); the sweeper will", what, object_id, exc)
        return False
    return True


def note_sent(model, object_id):
    """Record that a message for the row has just gone to the broker (its ``sent_at``).

    Sweepers send a row again only once no message has carried it for a while, so a backlog
    longer than that while does not pile a new duplicate onto the queue at every sweep. The
    write is skipped while the last one is recent: a check waiting for its host is sent again
    every few seconds.
    """
    now = timezone.now()
    recent = now - timedelta(seconds=settings.SOURCE_CHECK_STALE_AFTER / 10)
    model.objects.filter(pk=object_id).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=recent)
    ).update(sent_at=now)


def send_and_note(task, model, object_id, what, countdown=None):
    """``send_or_leave_queued``, then ``note_sent`` when the message went out."""
    sent = send_or_leave_queued(task, object_id, what, countdown=countdown)
    if sent:
        note_sent(model, object_id)
    return sent


def sweep_stale(task, model, what, queued_since, now=None):
    """Send again the rows of ``model`` left queued (since their ``queued_since`` field) or
    running past ``SOURCE_CHECK_STALE_AFTER`` (the broker was down, a worker died), unless a
    message was sent for them since: that one may just be waiting in a long queue."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SOURCE_CHECK_STALE_AFTER)
    rows = model.objects.filter(not_sent_since(stale)).filter(
        Q(state=model.State.QUEUED, **{f"{queued_since}__lte": stale})
        | Q(state=model.State.RUNNING, started_at__lte=stale)
    )
    return sum(
        send_again(task, model, pk, what, unless_sent_since=stale, now=now)
        for pk in rows.values_list("pk", flat=True)
    )


def not_sent_since(moment):
    """Rows no message has carried since ``moment``."""
    return Q(sent_at__isnull=True) | Q(sent_at__lte=moment)


def send_again(task, model, object_id, what, unless_sent_since, now=None):
    """For sweepers: send ``task(object_id)`` again unless a message was sent for the row
    since ``unless_sent_since``. The row is claimed first by a conditional update, so two
    sweeps running at once send it once; True if this one sent it."""
    claimed = (
        model.objects.filter(pk=object_id)
        .filter(not_sent_since(unless_sent_since))
        .update(sent_at=now or timezone.now())
    )
    if not claimed:
        return False
    if send_or_leave_queued(task, object_id, what):
        return True
    model.objects.filter(pk=object_id).update(sent_at=None)  # the next sweep tries again
    return False
