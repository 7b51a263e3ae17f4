"""Partner webhooks: queue one delivery per subscribed endpoint when a verdict is published,
corrected or unpublished, and POST it, signed, through the safe fetcher's address policy.

A delivery is a row first and a Celery message second: the row is the truth (state, attempts,
next attempt, when a message last went for it), the message only says "look at it now". So a
lost message is sent again by the sweeper, a duplicate one finds nothing due, and a delivered
event is never sent again.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from .. import queueing
from ..checking.fetching import FetchError, post
from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Factcheck-Signature"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"
REPLAY_WINDOW = 300  # seconds; what docs/api.md tells partners to accept
USER_AGENT = "factcheck-webhooks/0.1"
# Not worth retrying: the URL or its address will not become acceptable by waiting.
_PERMANENT_ERRORS = {"blocked", "invalid_url"}
# A queued delivery this late was lost on its way to a worker (broker down, worker killed).
STALE_AFTER = timedelta(minutes=5)
# Seconds an attempt's lease lasts beyond the POST's timeout: DNS, signing, saving the result.
LEASE_MARGIN = 30


def review_payload(review, event, now=None):
    """The event as stored; ``sent_at`` is added at each attempt. A deleted verdict has no
    page any more (``url`` is null) and was last updated when it was deleted."""
    base = settings.PUBLIC_BASE_URL
    api = reverse("api:review-detail", kwargs={"pk": review.pk})
    if event == WebhookEvent.DELETED:
        url, updated_at = None, now or timezone.now()
    else:
        # The page in the verdict's own language, the same ``url`` as the partner API gives.
        with translation.override(review.language or settings.LANGUAGE_CODE):
            page = reverse("public:verdict", kwargs={"pk": review.pk, "slug": review.slug})
        url, updated_at = f"{base}{page}", review.updated_at
    return {
        "event": str(WebhookEvent(event)),
        "review": {
            "id": review.pk,
            "url": url,
            "api_url": f"{base}{api}",
            "updated_at": updated_at.isoformat(),
        },
    }


def queue_event(review, event, now=None):
    """Create one delivery per active endpoint subscribed to ``event`` and send them to the
    workers once the current transaction commits. Returns the deliveries."""
    event = WebhookEvent(event)
    endpoints = WebhookEndpoint.objects.filter(
        active=True, **{WebhookEndpoint.EVENT_FIELDS[event]: True}
    )
    payload = review_payload(review, event, now)
    # A deleted verdict's row is gone: its deliveries keep its id in the payload only.
    linked = None if event == WebhookEvent.DELETED else review
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, review=linked, payload=payload
        )
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
    return deliveries


def enqueue(delivery_id):
    """Publish without waiting on a dead broker: the sweeper sends the delivery later."""
    from ..tasks import deliver_webhook

    return queueing.send_and_note(deliver_webhook, WebhookDelivery, delivery_id, "webhook delivery")


def sign(secret, body, timestamp):
    """The ``X-Factcheck-Signature`` value for ``body`` (bytes) sent at ``timestamp``."""
    message = f"{int(timestamp)}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={int(timestamp)},v1={digest}"


def verify_signature(secret, header, body, *, tolerance=REPLAY_WINDOW, now=None):
    """What a partner does on receipt (docs/api.md): True when ``header`` signs ``body`` with
    ``secret`` and its timestamp is within ``tolerance`` seconds of ``now``."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        signature = fields["v1"]
    except (AttributeError, KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).partition(",v1=")[2]
    # As bytes: compare_digest refuses str with non-ASCII characters, which a forger may send.
    return hmac.compare_digest(expected.encode(), signature.encode(errors="replace"))


def retry_delay(attempts):
    """Seconds before the next attempt after ``attempts`` failed ones."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    return delays[min(attempts, len(delays)) - 1]


def deliver(delivery_id, now=None):
    """Make one attempt at a queued delivery that is due. Returns ``(delivery, attempted)``;
    the delivery is None when it does not exist.

    The POST runs outside any transaction: a transaction open during it would hold back the
    partner feed's horizon (claims.api.feed) for as long as the endpoint takes to answer.
    """
    now = now or timezone.now()
    delivery, attempted = claim_attempt(delivery_id, now)
    if not attempted:
        return delivery, False
    outcome = _send(delivery, now)
    with transaction.atomic():
        current = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        ours = (current.state, current.attempts, current.last_attempt_at) if current else None
        if ours != (WebhookDelivery.State.QUEUED, delivery.attempts, now):
            # Deleted, or sent again from the admin, while the POST ran: the row is no longer
            # this attempt's to record, and the fresh round has a message of its own.
            return current, False
        _record(current, now, *outcome)
        current.save()
    return current, True


def claim_attempt(delivery_id, now):
    """Take the attempt due at ``now`` in a short transaction. Returns ``(delivery, claimed)``.

    The next attempt is set past the POST's timeout, a lease: another worker finds it not due,
    and a worker dying mid-POST leaves a delivery that the lease's end or the sweeper revives.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:  # gone, or another worker is claiming it right now
            return WebhookDelivery.objects.filter(pk=delivery_id).first(), False
        due = delivery.next_attempt_at is None or delivery.next_attempt_at <= now
        if delivery.state != WebhookDelivery.State.QUEUED or not due:
            return delivery, False
        endpoint = delivery.endpoint
        if not endpoint.active or not endpoint.subscribes_to(delivery.event):
            # Switched off since it was queued: its retries must stop too.
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
            delivery.last_error = "not sent: the endpoint was deactivated or unsubscribed"
            delivery.save()
            return delivery, False
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            # Every attempt was claimed and none recorded an outcome (the worker died during
            # each POST): the limit holds for those too, or the sweeper would POST for ever.
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
            delivery.last_error = (
                f"gave up: {delivery.attempts} attempts, the last without an outcome "
                "(the worker stopped during the POST)"
            )
            delivery.save()
            return delivery, False
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT + LEASE_MARGIN)
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return delivery, True


def _send(delivery, now):
    """POST the delivery. Returns ``(status code or None, error or None, permanent)``."""
    endpoint = delivery.endpoint
    # The delivery's id is in the signed body, not only in a header: a replay under another
    # X-Factcheck-Delivery would pass a partner's deduplication, never its signature check.
    sent = {**delivery.payload, "delivery_id": delivery.pk, "sent_at": now.isoformat()}
    body = json.dumps(sent, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(endpoint.secret, body, now.timestamp()),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
    }
    try:
        result = post(
            endpoint.url,
            body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            user_agent=USER_AGENT,
        )
    except FetchError as exc:
        return None, f"{exc.kind}: {exc}", exc.kind in _PERMANENT_ERRORS
    if 200 <= result.status_code < 300:
        return result.status_code, None, False
    return result.status_code, f"the endpoint answered {result.status_code}", False


def _record(delivery, now, status_code, error, permanent):
    delivery.last_status_code = status_code
    if error is None:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
        return
    delivery.last_error = error
    if permanent or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = WebhookDelivery.State.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
    logger.info("webhook delivery %s: %s", delivery.pk, delivery.last_error)


def send_again(queryset):
    """Admin action: put deliveries back in the queue for a fresh round of attempts."""
    pks = list(queryset.values_list("pk", flat=True))
    count = WebhookDelivery.objects.filter(pk__in=pks).update(
        state=WebhookDelivery.State.QUEUED, attempts=0, next_attempt_at=None, delivered_at=None
    )
    for pk in pks:
        transaction.on_commit(lambda pk=pk: enqueue(pk))
    return count


def sweep_stale_deliveries(now=None):
    """Periodic: send again the queued deliveries due for ``STALE_AFTER`` whose message was
    lost: none was sent (the broker was down), or none for ``SOURCE_CHECK_STALE_AFTER``, so
    that one waiting behind a backlog gets one more message per that period, not per sweep."""
    from ..tasks import deliver_webhook

    now = now or timezone.now()
    limit = now - STALE_AFTER
    unless_sent_since = now - timedelta(seconds=settings.SOURCE_CHECK_STALE_AFTER)
    queued = WebhookDelivery.objects.filter(state=WebhookDelivery.State.QUEUED)
    stale = queued.filter(queueing.not_sent_since(unless_sent_since)).filter(
        Q(next_attempt_at__lt=limit) | Q(next_attempt_at__isnull=True, created_at__lt=limit)
    )
    pks = list(stale.order_by("pk").values_list("pk", flat=True)[:1000])
    return sum(
        queueing.send_again(
            deliver_webhook, WebhookDelivery, pk, "webhook delivery", unless_sent_since, now=now
        )
        for pk in pks
    )
