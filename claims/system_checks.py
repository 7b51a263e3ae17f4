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


@register(Tags.security, deploy=True)
def fetcher_networks_stay_closed(app_configs, **kwargs):
    """The networks the fetcher may reach although private exist for tests and local setups:
    in production a typed URL could reach the machines they cover (server-side forgery)."""
    if settings.DEBUG or not settings.SOURCE_FETCH_ALLOWED_NETWORKS.strip():
        return []
    return [
        Warning(
            "SOURCE_FETCH_ALLOWED_NETWORKS is set "
            f"({settings.SOURCE_FETCH_ALLOWED_NETWORKS.strip()}): sources and webhooks that "
            "readers' and staff's URLs point at may reach those private addresses.",
            hint="Leave it empty in production.",
            id="claims.W003",
        )
    ]


@register(Tags.security, deploy=True)
def allowed_hosts_are_named(app_configs, **kwargs):
    """With '*', any Host header is accepted, and links built from the request (canonical URLs
    when PUBLIC_BASE_URL is empty, password-reset mails) follow it."""
    if settings.DEBUG or "*" not in settings.ALLOWED_HOSTS:
        return []
    return [
        Warning(
            "ALLOWED_HOSTS accepts any host name ('*').",
            hint="List the site's own host names, e.g. verif.example.org.",
            id="claims.W004",
        )
    ]


@register(Tags.database)
def webhook_endpoints_are_reachable(app_configs, databases=None, **kwargs):
    """An endpoint saved before ``SOURCE_FETCH_ALLOWED_PORTS`` (or before it was narrowed), or
    before its URL was checked as the fetcher checks it, may be one every delivery to fails at
    once. Run by ``migrate`` and ``check --database default``."""
    from django.db import DatabaseError

    from .models import WebhookEndpoint
    from .models.webhooks import delivery_refusal

    warnings = []
    for alias in databases or []:
        try:
            endpoints = list(WebhookEndpoint.objects.using(alias).filter(active=True))
        except DatabaseError:
            continue  # not migrated yet
        for endpoint in endpoints:
            if refusal := delivery_refusal(endpoint.url):
                warnings.append(
                    Warning(
                        f"Webhook endpoint {endpoint.name!r} (#{endpoint.pk}) cannot be "
                        f"reached: {refusal} Every delivery to it fails at once.",
                        hint="Change the endpoint's URL in the admin, or the safe fetcher's "
                        "SOURCE_FETCH_ALLOWED_PORTS / SOURCE_FETCH_ALLOWED_NETWORKS.",
                        obj=endpoint,
                        id="claims.W002",
                    )
                )
    return warnings
