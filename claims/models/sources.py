"""Evidence cited for claims, and the background checks of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .articles import Claim
from .text import web_url


class Source(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary source")
        OFFICIAL = "official", _("Official")
        PRESS = "press", _("Press")
        ARCHIVE = "archive", _("Archive")
        OTHER = "other", _("Other")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="sources"
    )
    url = models.URLField(_("URL"), max_length=2000, validators=[web_url])
    title = models.CharField(_("title"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="added_sources",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["claim_id", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="source_unique_url_per_claim"),
        ]

    def __str__(self):
        return self.title or self.url


class SourceCheck(models.Model):
    """One background check of a source: fetch, status, final URL and content digest."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="checks"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("source check")
        verbose_name_plural = _("source checks")
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(http_status__isnull=True)
                | Q(http_status__gte=100, http_status__lte=599),
                name="sourcecheck_http_status_range",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=False, finished_at__gte=models.F("started_at")),
                name="sourcecheck_finished_after_started",
            ),
            models.CheckConstraint(
                condition=Q(content_sha256="") | Q(content_sha256__regex=r"^[0-9a-f]{64}$"),
                name="sourcecheck_sha256_hex",
            ),
        ]
        indexes = [models.Index(fields=["source", "-queued_at"], name="sourcecheck_latest_idx")]

    def __str__(self):
        status = f" HTTP {self.http_status}" if self.http_status else ""
        return f"{self.get_state_display()}{status} — {self.source}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
