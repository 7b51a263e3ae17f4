"""Partner webhooks: signed events on publish, correction and unpublish, POSTed to a real
receiver on 127.0.0.2 under the safe fetcher's address policy, retried, logged, never sent
twice once delivered; and one delivery end to end through a real Celery worker."""

import hashlib
import hmac
import http.server
import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from claims.checking.fetching import FetchError, post
from claims.models import Review, Tombstone, WebhookDelivery, WebhookEndpoint
from claims.publishing.verdicts import approve_and_publish, correct_review, unpublish_review
from claims.publishing.webhooks import (
    claim_attempt,
    deliver,
    queue_event,
    send_again,
    sign,
    sweep_stale_deliveries,
    verify_signature,
)
from claims.tasks import deliver_webhook

from .conftest import (
    CHECKS_HOST,
    CHECKS_NETWORK,
    checks_worker_env,
    start_worker,
    stop_process_group,
)
from .factories import ReviewFactory, SourceFactory, StaffFactory


class _Receiver(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        if self.server.while_posting:
            self.server.seen_while_posting.append(self.server.while_posting())
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/elsewhere")
        answer = self.server.answer
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.flush()
        time.sleep(self.server.answer_delay)
        self.wfile.write(answer)


def _serve(host):
    server = http.server.ThreadingHTTPServer((host, 0), _Receiver)
    server.daemon_threads = True
    server.requests, server.statuses = [], []
    server.while_posting, server.seen_while_posting = None, []
    server.answer, server.answer_delay = b"ok", 0
    server.url = lambda path="/hook": f"http://{host}:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _stop(server, thread):
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def receiver(settings):
    """A partner's endpoint on 127.0.0.2, the only loopback address deliveries may reach."""
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = CHECKS_NETWORK
    server, thread = _serve(CHECKS_HOST)
    yield server
    _stop(server, thread)


@pytest.fixture
def loopback_receiver():
    server, thread = _serve("127.0.0.1")
    yield server
    _stop(server, thread)


def ready_review():
    review = ReviewFactory(state=Review.State.IN_REVIEW, published_at=None)
    SourceFactory(claim=review.claim)
    return review


def endpoint_for(server, **fields):
    return WebhookEndpoint.objects.create(name="Partenaire", url=server.url(), **fields)


def webhook_callbacks(callbacks):
    return [cb for cb in callbacks if cb.__module__ == "claims.publishing.webhooks"]


def partner_verifies(secret, headers, body, now=None):
    """What docs/api.md tells partners to do, written out without our helper."""
    fields = dict(part.split("=", 1) for part in headers["x-factcheck-signature"].split(","))
    timestamp = int(fields["t"])
    if abs((now or time.time()) - timestamp) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest().encode(), fields["v1"].encode(errors="replace"))


@pytest.mark.django_db
class TestEvents:
    def test_publishing_delivers_a_signed_event(self, receiver, django_capture_on_commit_callbacks):
        endpoint = endpoint_for(receiver)
        review = ready_review()
        with django_capture_on_commit_callbacks() as callbacks:
            review = approve_and_publish(review, StaffFactory())
        delivery = WebhookDelivery.objects.get()
        # Sent to the workers only once the transaction commits.
        assert len(webhook_callbacks(callbacks)) == 1
        assert (delivery.endpoint, delivery.review, delivery.state) == (endpoint, review, "queued")

        delivery, attempted = deliver(delivery.pk)
        assert attempted and delivery.state == "delivered" and delivery.attempts == 1
        assert delivery.last_status_code == 200 and delivery.delivered_at is not None
        (request,) = receiver.requests
        headers, body = request["headers"], request["body"]
        assert headers["content-type"] == "application/json"
        assert headers["x-factcheck-event"] == "review.published"
        assert headers["x-factcheck-delivery"] == str(delivery.pk)
        assert partner_verifies(endpoint.secret, headers, body)
        assert verify_signature(endpoint.secret, headers["x-factcheck-signature"], body)

        event = json.loads(body)
        assert set(event) == {"event", "review", "delivery_id", "sent_at"}
        assert event["event"] == "review.published"
        # Signed, so the partner deduplicates on what no replay can change.
        assert event["delivery_id"] == delivery.pk == int(headers["x-factcheck-delivery"])
        assert event["review"]["id"] == review.pk
        assert event["review"]["url"].endswith(review.get_absolute_url())
        assert event["review"]["api_url"] == f"/api/v1/reviews/{review.pk}/"
        assert event["review"]["updated_at"] == review.updated_at.isoformat()

    def test_a_tampered_body_an_old_timestamp_or_another_secret_fail_verification(self):
        body = b'{"event":"review.published"}'
        now = time.time()
        header = sign("s3cret", body, now)
        assert verify_signature("s3cret", header, body, now=now)
        assert not verify_signature("s3cret", header, body.replace(b"published", b"corrected"))
        assert not verify_signature("other", header, body)
        assert not verify_signature("s3cret", header, body, now=now + 301)
        assert not verify_signature("s3cret", header, body, now=now - 301)
        assert not verify_signature("s3cret", "garbage", body)
        assert not partner_verifies("s3cret", {"x-factcheck-signature": header}, body, now + 301)
        # A forged header with non-ASCII characters is refused, not a crash of the receiver.
        forged = f"t={int(now)},v1=é"
        assert not verify_signature("s3cret", forged, body, now=now)
        assert not partner_verifies("s3cret", {"x-factcheck-signature": forged}, body, now)

    def test_the_page_link_is_the_one_the_partner_api_gives(self, receiver, client, settings):
        settings.PUBLIC_BASE_URL = "https://verif.example.org"
        endpoint_for(receiver)
        review = ready_review()
        Review.objects.filter(pk=review.pk).update(language="en")
        approve_and_publish(review, StaffFactory())
        payload = WebhookDelivery.objects.get().payload["review"]
        assert payload["url"].startswith("https://verif.example.org/en/")
        api = client.get(reverse("api:review-detail", kwargs={"pk": review.pk}))
        assert api.status_code == 200 and api.json()["url"] == payload["url"]

    def test_correction_and_unpublish_send_their_events(
        self, receiver, django_capture_on_commit_callbacks
    ):
        endpoint = endpoint_for(receiver)
        publish_only = endpoint_for(receiver, on_correct=False, on_unpublish=False)
        user = StaffFactory()
        review = ReviewFactory()
        with django_capture_on_commit_callbacks():
            correct_review(review, "Chiffre corrigé.", user, conclusion="Autre conclusion.")
            unpublish_review(review, user)
        deliveries = WebhookDelivery.objects.order_by("pk")
        assert [(d.endpoint, d.event) for d in deliveries] == [
            (endpoint, "review.corrected"),
            (endpoint, "review.unpublished"),
        ]
        assert not publish_only.deliveries.exists()
        for delivery in deliveries:
            deliver(delivery.pk)
        events = [json.loads(r["body"])["event"] for r in receiver.requests]
        assert events == ["review.corrected", "review.unpublished"]
        assert all(
            partner_verifies(endpoint.secret, r["headers"], r["body"]) for r in receiver.requests
        )

    def test_deleting_a_public_verdict_sends_its_deletion(
        self, receiver, settings, django_capture_on_commit_callbacks
    ):
        settings.PUBLIC_BASE_URL = "https://verif.example.org"
        endpoint = endpoint_for(receiver)
        endpoint_for(receiver, on_deletion=False)
        review = ReviewFactory()
        with django_capture_on_commit_callbacks() as callbacks:
            review.delete()
        assert len(webhook_callbacks(callbacks)) == 1
        delivery = WebhookDelivery.objects.get()
        assert (delivery.endpoint, delivery.event, delivery.review) == (
            endpoint,
            "review.deleted",
            None,
        )
        deliver(delivery.pk)
        (request,) = receiver.requests
        body = json.loads(request["body"])
        assert body["event"] == "review.deleted" == request["headers"]["x-factcheck-event"]
        assert partner_verifies(endpoint.secret, request["headers"], request["body"])
        tombstone = Tombstone.objects.get(review_id=body["review"]["id"])
        assert body["review"] == {
            "id": tombstone.review_id,
            "url": None,  # the page is gone
            "api_url": f"https://verif.example.org/api/v1/reviews/{tombstone.review_id}/",
            "updated_at": tombstone.deleted_at.isoformat(),
        }

    @pytest.mark.parametrize("state", ["unpublished", "published"])
    def test_a_verdict_deleted_with_its_claim_sends_its_deletion(
        self, receiver, state, django_capture_on_commit_callbacks
    ):
        endpoint_for(receiver)
        review = ReviewFactory(state=state)
        with django_capture_on_commit_callbacks():
            review.claim.delete()
        delivery = WebhookDelivery.objects.get()
        assert delivery.event == "review.deleted"
        assert delivery.payload["review"]["id"] == review.pk

    @pytest.mark.parametrize("state", ["draft", "in_review"])
    def test_deleting_a_verdict_never_public_sends_nothing(self, receiver, state):
        endpoint_for(receiver)
        ReviewFactory(state=state, published_at=None).delete()
        assert not WebhookDelivery.objects.exists() and not Tombstone.objects.exists()

    def test_inactive_endpoints_get_nothing(self, receiver, django_capture_on_commit_callbacks):
        endpoint_for(receiver, active=False)
        with django_capture_on_commit_callbacks(execute=True):
            approve_and_publish(ready_review(), StaffFactory())
        assert not WebhookDelivery.objects.exists() and receiver.requests == []


@pytest.mark.django_db
class TestDelivery:
    def queued(self, server, **fields):
        endpoint = endpoint_for(server, **fields)
        (delivery,) = queue_event(ReviewFactory(), "review.published")
        return endpoint, delivery

    def test_a_server_error_is_retried_with_backoff_and_then_delivered(self, receiver, settings):
        settings.WEBHOOK_RETRY_DELAYS = [30, 120]
        receiver.statuses = [500, 200]
        _, delivery = self.queued(receiver)
        before = timezone.now()
        delivery, attempted = deliver(delivery.pk)
        assert attempted and (delivery.state, delivery.attempts) == ("queued", 1)
        assert delivery.last_status_code == 500 and "500" in delivery.last_error
        assert (
            before + timedelta(seconds=29)
            < delivery.next_attempt_at
            < timezone.now() + timedelta(seconds=31)
        )
        # Not due yet: a duplicate message sends nothing.
        assert deliver(delivery.pk) == (delivery, False)
        assert len(receiver.requests) == 1

        delivery, attempted = deliver(delivery.pk, now=delivery.next_attempt_at)
        assert attempted and (delivery.state, delivery.attempts) == ("delivered", 2)
        assert (delivery.last_status_code, delivery.last_error) == (200, "")
        assert len(receiver.requests) == 2
        ids = {r["headers"]["x-factcheck-delivery"] for r in receiver.requests}
        assert ids == {str(delivery.pk)}  # partners deduplicate on it

    def test_a_2xx_with_a_long_answer_is_delivered_once(self, receiver):
        # The status is the partner's answer; the body after it is no part of the exchange.
        receiver.answer = b"x" * 200_000
        _, delivery = self.queued(receiver)
        delivery, attempted = deliver(delivery.pk)
        assert attempted and (delivery.state, delivery.last_status_code) == ("delivered", 200)
        assert len(receiver.requests) == 1

    def test_a_2xx_whose_answer_body_is_slow_is_delivered_once(self, receiver, settings):
        settings.WEBHOOK_TIMEOUT = 1
        receiver.answer_delay = 2
        _, delivery = self.queued(receiver)
        delivery, attempted = deliver(delivery.pk)
        assert attempted and (delivery.state, delivery.last_status_code) == ("delivered", 200)
        assert len(receiver.requests) == 1

    def test_a_server_error_with_a_long_answer_keeps_its_status(self, receiver):
        receiver.statuses, receiver.answer = [503], b"x" * 200_000
        _, delivery = self.queued(receiver)
        delivery, attempted = deliver(delivery.pk)
        assert attempted and (delivery.state, delivery.last_status_code) == ("queued", 503)
        assert "503" in delivery.last_error

    @pytest.mark.parametrize("switch_off", ["active", "on_publish"])
    def test_retries_stop_once_the_endpoint_is_switched_off(self, receiver, switch_off):
        receiver.statuses = [500, 200]
        endpoint, delivery = self.queued(receiver)
        delivery, attempted = deliver(delivery.pk)
        assert attempted and delivery.state == "queued"
        setattr(endpoint, switch_off, False)
        endpoint.save()
        delivery, attempted = deliver(delivery.pk, now=delivery.next_attempt_at)
        assert not attempted and delivery.state == "failed"
        assert "deactivated or unsubscribed" in delivery.last_error
        assert len(receiver.requests) == 1

    def test_the_delay_grows_and_the_last_attempt_fails_the_delivery(self, receiver, settings):
        settings.WEBHOOK_RETRY_DELAYS = [30, 120]
        settings.WEBHOOK_MAX_ATTEMPTS = 3
        receiver.statuses = [503, 503, 503, 200]
        _, delivery = self.queued(receiver)
        delays = []
        for _ in range(3):
            attempt_at = delivery.next_attempt_at or timezone.now()
            delivery, attempted = deliver(delivery.pk, now=attempt_at)
            assert attempted
            if delivery.next_attempt_at:
                delays.append((delivery.next_attempt_at - attempt_at).total_seconds())
        assert delays == [30, 120]
        assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
        assert deliver(delivery.pk, now=timezone.now() + timedelta(days=1))[1] is False
        assert len(receiver.requests) == 3

    def test_running_the_task_twice_never_delivers_twice(self, receiver):
        _, delivery = self.queued(receiver)
        first = deliver_webhook(delivery.pk)
        second = deliver_webhook(delivery.pk)
        assert first == second == {"delivery": delivery.pk, "state": "delivered", "attempts": 1}
        assert len(receiver.requests) == 1
        assert deliver_webhook(delivery.pk + 1000) is None  # a deleted delivery: nothing to do

    def test_loopback_without_the_allowance_is_refused_as_blocked(
        self, receiver, loopback_receiver
    ):
        # 127.0.0.2 is allowed for the tests; 127.0.0.1 stays blocked, as in production.
        _, delivery = self.queued(loopback_receiver)
        delivery, attempted = deliver(delivery.pk)
        assert attempted and (delivery.state, delivery.attempts) == ("failed", 1)
        assert delivery.last_error.startswith("blocked:") and delivery.last_status_code is None
        assert loopback_receiver.requests == []

    def test_redirects_are_not_followed(self, receiver):
        receiver.statuses = [302]
        _, delivery = self.queued(receiver)
        delivery, _ = deliver(delivery.pk)
        assert (delivery.state, delivery.last_status_code) == ("queued", 302)
        assert [r["path"] for r in receiver.requests] == ["/hook"]

    def test_a_worker_lost_mid_post_leaves_the_delivery_to_be_sent_again(self, receiver):
        _, delivery = self.queued(receiver)
        now = timezone.now()
        claimed, took = claim_attempt(delivery.pk, now)  # the worker dies before it posts
        assert took and claimed.attempts == 1
        # The attempt's lease: other messages find it not due, so nothing is sent twice.
        assert deliver(delivery.pk) == (WebhookDelivery.objects.get(pk=delivery.pk), False)
        assert receiver.requests == []
        assert sweep_stale_deliveries(now=claimed.next_attempt_at + timedelta(minutes=6)) == 1
        delivery, attempted = deliver(delivery.pk, now=claimed.next_attempt_at)
        assert attempted and (delivery.state, delivery.attempts) == ("delivered", 2)
        assert len(receiver.requests) == 1

    def test_a_worker_lost_during_every_attempt_ends_failed_not_posting_for_ever(
        self, receiver, settings
    ):
        settings.WEBHOOK_MAX_ATTEMPTS = 3
        _, delivery = self.queued(receiver)
        now = timezone.now()
        for _attempt in range(3):  # each worker dies during its POST
            claimed, took = claim_attempt(delivery.pk, now)
            assert took
            now = claimed.next_attempt_at
        delivery, attempted = deliver(delivery.pk, now=now)
        assert not attempted and (delivery.state, delivery.attempts) == ("failed", 3)
        assert "gave up" in delivery.last_error and delivery.next_attempt_at is None
        assert receiver.requests == []

    def test_stale_queued_deliveries_are_swept(self, receiver):
        _, delivery = self.queued(receiver)
        assert sweep_stale_deliveries() == 0
        assert sweep_stale_deliveries(now=timezone.now() + timedelta(minutes=6)) == 1

    def test_a_delivery_waiting_behind_a_backlog_is_sent_again_once_per_stale_period(
        self, receiver, django_capture_on_commit_callbacks
    ):
        endpoint_for(receiver)
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = queue_event(ReviewFactory(), "review.published")
        sent_at = WebhookDelivery.objects.get(pk=delivery.pk).sent_at
        assert sent_at is not None  # the message went to the real broker
        # Every 5-minute sweep during a long backlog used to add one more message for it.
        sweeps = [sent_at + timedelta(minutes=m) for m in (5.5, 10.5, 15.5, 20.5, 20.5)]
        assert [sweep_stale_deliveries(now=moment) for moment in sweeps] == [0, 1, 0, 1, 0]
        assert WebhookDelivery.objects.get(pk=delivery.pk).sent_at == sweeps[-1]

    def test_a_delivery_the_broker_never_got_is_swept_after_five_minutes(self, receiver):
        _, delivery = self.queued(receiver)  # its message was never sent: sent_at is null
        assert WebhookDelivery.objects.get(pk=delivery.pk).sent_at is None
        assert sweep_stale_deliveries(now=timezone.now() + timedelta(minutes=4)) == 0
        assert sweep_stale_deliveries(now=timezone.now() + timedelta(minutes=6)) == 1

    def test_a_retry_waiting_for_its_time_is_not_swept(self, receiver, settings):
        settings.WEBHOOK_RETRY_DELAYS = [3600]
        receiver.statuses = [500]
        _, delivery = self.queued(receiver)
        delivery, _ = deliver(delivery.pk)
        assert delivery.state == "queued" and delivery.next_attempt_at is not None
        assert sweep_stale_deliveries(now=timezone.now() + timedelta(minutes=30)) == 0
        due = delivery.next_attempt_at
        assert sweep_stale_deliveries(now=due + timedelta(minutes=6)) == 1


def test_the_post_path_checks_addresses_and_urls(settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ""
    with pytest.raises(FetchError) as blocked:
        post("http://127.0.0.1:9/hook", b"{}")
    assert blocked.value.kind == "blocked"
    for url in ("ftp://example.org/", "http://user:pw@example.org/", "file:///etc/passwd"):
        with pytest.raises(FetchError) as invalid:
            post(url, b"{}")
        assert invalid.value.kind == "invalid_url"


@pytest.mark.django_db
def test_endpoint_urls_must_be_http_or_https():
    with pytest.raises(ValidationError):
        WebhookEndpoint(name="x", url="ftp://example.org/hook").full_clean()
    WebhookEndpoint(name="x", url="https://partner.example/hook").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, says",
    [
        ("https://hook:s3cret@partner.example/hook", "mot de passe"),
        ("https://partner.example:99999/hook", "65535"),
        ("http://10.0.0.1/hook", "10.0.0.1"),
        ("http://[::1]/hook", "::1"),
        ("http://169.254.169.254/latest", "169.254.169.254"),
    ],
)
def test_endpoint_urls_every_delivery_would_fail_on_are_refused(settings, url, says):
    # The fetcher refuses them without resolving a name: each event would be lost at once.
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ""
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        WebhookEndpoint(name="x", url=url).full_clean()
    assert says in " ".join(refused.value.message_dict["url"])
    with pytest.raises(FetchError):
        post(url, b"{}")


@pytest.mark.django_db
class TestAdmin:
    @pytest.fixture
    def staff_client(self, client):
        client.force_login(StaffFactory())
        return client

    def test_an_endpoint_is_registered_with_a_secret_to_copy(self, staff_client):
        response = staff_client.post(
            reverse("admin:claims_webhookendpoint_add"),
            {
                "name": "Le Journal",
                "url": "https://journal.example/hooks",
                "on_publish": "on",
                "active": "on",
            },
            follow=True,
        )
        endpoint = WebhookEndpoint.objects.get()
        subscribed = (
            endpoint.on_publish,
            endpoint.on_correct,
            endpoint.on_unpublish,
            endpoint.on_deletion,
        )
        assert subscribed == (True, False, False, False)
        assert endpoint.created_by is not None and len(endpoint.secret) >= 40
        # Shown on the endpoint's page, where the add leads, and kept out of the messages,
        # which may travel in a cookie (signed, not encrypted).
        assert response.redirect_chain[-1][0] == reverse(
            "admin:claims_webhookendpoint_change", args=[endpoint.pk]
        )
        assert endpoint.secret in response.content.decode()
        assert all(endpoint.secret not in cookie.value for cookie in response.cookies.values())
        assert all(endpoint.secret not in str(m) for m in response.context["messages"])
        page = staff_client.get(
            reverse("admin:claims_webhookendpoint_change", args=[endpoint.pk])
        ).content.decode()
        assert endpoint.secret in page and "Secret de signature" in page

    def test_an_endpoint_on_a_port_deliveries_cannot_reach_is_refused(self, staff_client):
        fields = {"name": "Le Journal", "on_publish": "on", "active": "on"}
        add = reverse("admin:claims_webhookendpoint_add")
        response = staff_client.post(add, {**fields, "url": "https://journal.example:9443/hooks"})
        assert response.status_code == 200
        assert "pas le port 9443" in response.content.decode()
        assert not WebhookEndpoint.objects.exists()
        staff_client.post(add, {**fields, "url": "https://journal.example:8443/hooks"})
        assert WebhookEndpoint.objects.get().url == "https://journal.example:8443/hooks"

    def test_a_non_http_url_is_refused(self, staff_client):
        response = staff_client.post(
            reverse("admin:claims_webhookendpoint_add"),
            {"name": "x", "url": "gopher://journal.example/", "active": "on"},
        )
        assert response.status_code == 200 and not WebhookEndpoint.objects.exists()

    def test_rotating_the_secret(self, staff_client):
        endpoint = WebhookEndpoint.objects.create(name="x", url="https://journal.example/")
        old = endpoint.secret
        staff_client.post(
            reverse("admin:claims_webhookendpoint_changelist"),
            {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        )
        endpoint.refresh_from_db()
        assert endpoint.secret != old

    def test_reading_the_delivery_log_is_not_enough_to_send_again(self):
        from django.contrib.auth.models import Permission
        from django.test import Client

        from .factories import UserFactory

        reader = UserFactory(is_staff=True)
        reader.user_permissions.add(Permission.objects.get(codename="view_webhookdelivery"))
        client = Client()
        client.force_login(reader)
        WebhookEndpoint.objects.create(name="x", url="https://journal.example/")
        (delivery,) = queue_event(ReviewFactory(), "review.published")
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=6)
        changelist = reverse("admin:claims_webhookdelivery_changelist")
        assert client.get(changelist).status_code == 200
        client.post(changelist, {"action": "send_again", "_selected_action": [delivery.pk]})
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("failed", 6)

    def test_the_delivery_log_filters_and_sends_again(
        self, staff_client, django_capture_on_commit_callbacks
    ):
        endpoint = WebhookEndpoint.objects.create(name="x", url="https://journal.example/")
        (delivery,) = queue_event(ReviewFactory(), "review.published")
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state="failed", attempts=6, last_error="timeout: too slow"
        )
        changelist = reverse("admin:claims_webhookdelivery_changelist")
        for query in ({}, {"state": "failed"}, {"endpoint__id__exact": endpoint.pk}):
            response = staff_client.get(changelist, query)
            assert response.status_code == 200
            assert "Livraisons de webhooks" in response.content.decode() or query
        assert (
            staff_client.get(
                reverse("admin:claims_webhookdelivery_change", args=[delivery.pk])
            ).status_code
            == 200
        )
        assert staff_client.get(reverse("admin:claims_webhookdelivery_add")).status_code == 403
        deleted = ReviewFactory()
        deleted_id = deleted.pk
        deleted.delete()
        log = staff_client.get(changelist, {"event__exact": "review.deleted"}).content.decode()
        assert "verdict supprimé" in log and f'<td class="field-verdict">{deleted_id}</td>' in log
        with django_capture_on_commit_callbacks() as callbacks:
            staff_client.post(
                changelist, {"action": "send_again", "_selected_action": [delivery.pk]}
            )
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("queued", 0, None)
        assert len(webhook_callbacks(callbacks)) == 1


# --- On a real worker ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_a_failed_delivery_until_it_is_delivered(receiver, django_db_blocker):
    receiver.statuses = [500, 200]
    with django_db_blocker.unblock():
        env = checks_worker_env(WEBHOOK_RETRY_DELAYS="1")
    worker = start_worker("checks", "webhooks", env, pool="threads", concurrency=2)
    try:
        endpoint = endpoint_for(receiver)
        approve_and_publish(ready_review(), StaffFactory())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            delivery = WebhookDelivery.objects.get()
            if delivery.state != "queued":
                break
            time.sleep(0.2)
    finally:
        stop_process_group(worker)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert len(receiver.requests) == 2
    assert all(
        partner_verifies(endpoint.secret, r["headers"], r["body"]) for r in receiver.requests
    )


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_endpoint_answers(receiver):
    """A writing transaction open during the POST would hold the partner feed's horizon back
    (claims.api.feed) for as long as the endpoint takes."""

    def open_writers():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
            (writers,) = cursor.fetchone()
        connection.close()  # this thread's own connection
        return writers

    receiver.while_posting = open_writers
    endpoint_for(receiver)
    (delivery,) = queue_event(ReviewFactory(), "review.published")
    delivery, attempted = deliver(delivery.pk)
    assert attempted and delivery.state == "delivered"
    assert receiver.seen_while_posting == [0]


@pytest.mark.django_db(transaction=True)
def test_sending_again_from_the_admin_while_a_post_runs_leaves_the_fresh_round_alone(receiver):
    """The admin's "send again" resets the row while a worker's POST is in flight: that worker
    must neither record its outcome over the fresh round nor schedule a retry of its own."""
    endpoint_for(receiver)
    (delivery,) = queue_event(ReviewFactory(), "review.published")

    def admin_sends_again():
        from django.db import connection

        with transaction.atomic():
            count = send_again(WebhookDelivery.objects.filter(pk=delivery.pk))
        connection.close()  # this thread's own connection
        return count

    receiver.while_posting = admin_sends_again
    receiver.statuses = [500]
    result = deliver_webhook.apply((delivery.pk,))
    assert result.successful(), result.traceback
    assert receiver.seen_while_posting == [1]
    fresh = WebhookDelivery.objects.get(pk=delivery.pk)
    # The 500 is not recorded on the fresh round, which starts from no attempt.
    assert (fresh.state, fresh.attempts, fresh.last_status_code) == ("queued", 0, None)
