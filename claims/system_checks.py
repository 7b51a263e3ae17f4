"""System checks on what a deployment must set for the newsroom's features to work."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def public_base_url_is_set(app_configs, **kwargs):
    """Partner webhooks are built outside any request: without the site's origin, the links
    they carry are bare paths a partner cannot open."""
    if settings.DEBUG or settings.PUBLIC_BASE_URL:
        return []
    return [
        Warning(
            "PUBLIC_BASE_URL is not set: partner webhooks will carry paths such as "
            "/fr/verdicts/42-…/ instead of the verdict's URL.",
            hint="Set PUBLIC_BASE_URL to the public site's origin, e.g. https://verif.example.org.",
            id="claims.W001",
        )
    ]
