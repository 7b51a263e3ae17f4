"""System checks: what ``check --deploy`` and ``migrate`` warn a deployment about."""

import pytest
from django.core.checks import Tags, run_checks

from claims.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def database_warnings():
    return [m for m in run_checks(tags=[Tags.database], databases=["default"]) if m.id]


def test_an_active_endpoint_on_a_refused_port_is_reported(settings):
    settings.SOURCE_FETCH_ALLOWED_PORTS = {80, 443}
    # Saved before the port list existed: create() does not run the form's validation.
    old = WebhookEndpoint.objects.create(
        name="Ancien partenaire", url="https://hooks.example:9000/"
    )
    WebhookEndpoint.objects.create(name="Partenaire", url="https://hooks.example/")
    WebhookEndpoint.objects.create(name="Éteint", url="https://hooks.example:9001/", active=False)
    (warning,) = [m for m in database_warnings() if m.id == "claims.W002"]
    assert warning.obj == old
    assert "port 9000" in warning.msg and "'Ancien partenaire'" in warning.msg
    assert "SOURCE_FETCH_ALLOWED_PORTS" in warning.hint


def test_endpoints_on_allowed_ports_or_networks_raise_nothing(settings):
    settings.SOURCE_FETCH_ALLOWED_PORTS = {80, 443}
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.0/8"
    WebhookEndpoint.objects.create(name="Local", url="http://127.0.0.2:8123/hook")
    WebhookEndpoint.objects.create(name="Partenaire", url="https://hooks.example:443/")
    assert [m for m in database_warnings() if m.id == "claims.W002"] == []


def test_the_check_runs_only_when_a_database_is_asked_for():
    WebhookEndpoint.objects.create(name="Ancien", url="https://hooks.example:9000/")
    assert [m.id for m in run_checks(tags=[Tags.database])] == []
