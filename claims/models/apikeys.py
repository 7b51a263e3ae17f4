"""Partner API keys: created and revoked by staff, stored hashed (claims/api/keys.py)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_key_rate():
    """A new key's requests per minute, ``API_KEY_RATE`` unless staff choose otherwise."""
    return settings.API_KEY_RATE


class ApiKey(models.Model):
    name = models.CharField(_("partner"), max_length=200)
    # The key's public first part, to find its row; the secret is only kept as a hash.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(_("hashed key"), max_length=64, editable=False)
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=default_key_rate, validators=[MinValueValidator(1)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
