"""What readers send: claims to check and errors to correct."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import Language
from .verdicts import Review


class ReaderSubmission(models.Model):
    class Kind(models.TextChoices):
        CLAIM = "claim", _("A claim to check")
        ERROR = "error", _("An error in a verdict")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Taken up")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLAIM)
    text = models.TextField(_("message"))
    url = models.URLField(_("where it was seen"), max_length=2000, blank=True)
    review = models.ForeignKey(
        Review,
        verbose_name=_("verdict concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reader_submissions",
    )
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reader submission")
        verbose_name_plural = _("reader submissions")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "-received_at"], name="submission_status_idx")]

    def __str__(self):
        return self.text[:80]
