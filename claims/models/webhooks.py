"""Partner webhooks: endpoints registered by staff and the log of every event sent to them
(claims/publishing/webhooks.py sends them; docs/api.md tells partners how to verify them)."""

import ipaddress
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_webhook_secret():
    return secrets.token_urlsafe(32)


def delivery_refusal(url):
    """Why the safe fetcher would refuse every delivery to ``url``, as far as can be told
    without resolving its name; "" when nothing does. Refused at once, such an endpoint would
    lose every event: each delivery fails for good on its first attempt."""
    from ..checking.addresses import is_blocked_address, refused_port

    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (reading it validates it)
    except ValueError:
        return _("The URL's port must be a number from 1 to 65535.")
    if "@" in parts.netloc:
        return _(
            "Deliveries send no user name or password: remove them from the URL (the signature "
            "tells the partner that an event comes from us)."
        )
    if port := refused_port(url):
        allowed = ", ".join(map(str, sorted(settings.SOURCE_FETCH_ALLOWED_PORTS)))
        return _("Deliveries reach web ports only (%(allowed)s), not port %(port)s.") % {
            "allowed": allowed,
            "port": port,
        }
    try:
        ip = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return ""  # a name: judged when it is resolved, at each delivery
    if is_blocked_address(ip, settings.SOURCE_FETCH_ALLOWED_NETWORKS):
        return _("Deliveries reach public addresses only, not %(address)s.") % {"address": ip}
    return ""


class WebhookEvent(models.TextChoices):
    PUBLISHED = "review.published", _("verdict published")
    CORRECTED = "review.corrected", _("verdict corrected")
    UNPUBLISHED = "review.unpublished", _("verdict unpublished")
    DELETED = "review.deleted", _("verdict deleted")


class WebhookEndpoint(models.Model):
    name = models.CharField(_("partner"), max_length=200)
    url = models.CharField(
        _("URL"),
        max_length=2000,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The partner's address that receives the events (http or https)."),
    )
    # Kept in clear: signing needs it. Staff see it in the admin to hand it to the partner.
    secret = models.CharField(
        _("signing secret"), max_length=100, default=new_webhook_secret, editable=False
    )
    on_publish = models.BooleanField(_("on publication"), default=True)
    on_correct = models.BooleanField(_("on correction"), default=True)
    on_unpublish = models.BooleanField(_("on unpublication"), default=True)
    on_deletion = models.BooleanField(
        _("on deletion"),
        default=True,
        help_text=_("A verdict that was public once is deleted for good."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    EVENT_FIELDS = {
        WebhookEvent.PUBLISHED: "on_publish",
        WebhookEvent.CORRECTED: "on_correct",
        WebhookEvent.UNPUBLISHED: "on_unpublish",
        WebhookEvent.DELETED: "on_deletion",
    }

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if refusal := delivery_refusal(self.url):
            raise ValidationError({"url": refusal})

    def subscribes_to(self, event):
        return getattr(self, self.EVENT_FIELDS[WebhookEvent(event)])


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    review = models.ForeignKey(
        "claims.Review",
        verbose_name=_("verdict"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True)
    sent_at = models.DateTimeField(_("last sent to a worker at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_event_display()} → {self.endpoint} (#{self.pk})"
