"""What partners syncing the feed need to learn that a published verdict is gone."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tombstone(models.Model):
    """A deleted review that was public once; the API reports it as ``deleted``."""

    # The deleted review's id: ids are never reused, so it stays the partners' key.
    review_id = models.BigIntegerField(_("review id"), primary_key=True)
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)

    class Meta:
        verbose_name = _("deleted review")
        verbose_name_plural = _("deleted reviews")
        ordering = ["deleted_at", "review_id"]
        indexes = [models.Index(fields=["deleted_at", "review_id"], name="tombstone_sync_idx")]

    def __str__(self):
        return f"{self.review_id} — {self.deleted_at:%Y-%m-%d %H:%M}"
