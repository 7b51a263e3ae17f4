"""Every new source, and every source whose URL changes, gets a background check —
whichever path saved it (admin, shell, API)."""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from .checking.checks import request_check
from .models import Source


@receiver(post_init, sender=Source)
def remember_url(sender, instance, **kwargs):
    instance._url_when_loaded = instance.url if instance.pk else None


@receiver(post_save, sender=Source)
def check_new_or_moved_source(sender, instance, created, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    if created or instance.url != instance._url_when_loaded:
        request_check(source=instance, reason="added" if created else "url changed")
    instance._url_when_loaded = instance.url
