"""Imports queued from the admin: what was given, and how far the background work got."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .articles import Article
from .text import Language, plausible_date, web_url


class ImportJob(models.Model):
    class Source(models.TextChoices):
        TEXT = "text", _("Pasted text")
        FILE = "file", _("Uploaded file")
        URL = "url", _("Web address")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    raw = models.TextField(_("text or HTML"), blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True, validators=[web_url])
    title = models.CharField(_("title"), max_length=500, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty to detect it."),
    )
    published = models.DateField(
        _("published on"), null=True, blank=True, validators=[plausible_date]
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    claims_created = models.PositiveIntegerField(_("claims created"), default=0)
    claims_matched = models.PositiveIntegerField(_("claims matched"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Runs started: a job that stops its worker every time is given up (IMPORT_MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a message for the job last went to the broker: the sweeper's clock (queueing.py).
    sent_at = models.DateTimeField(_("last sent to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="importjob_progress_0_100"),
            models.CheckConstraint(
                condition=Q(source="url", url__gt="") | (~Q(source="url") & ~Q(raw="")),
                name="importjob_has_input",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="importjob_state_idx")]

    def __str__(self):
        what = self.url or self.filename or self.title or _("pasted text")
        return f"{self.get_source_display()} — {what}"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)
