"""Settings come from the environment: safe development defaults, strict production checks."""

import json
import secrets

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .conftest import PROJECT_DIR, database_url, manage, subprocess_env

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "factcheck.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://factcheck.example.org",
    "PUBLIC_BASE_URL": "https://factcheck.example.org",
}

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "secure_cookies": settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,
}))
"""


def show_settings(**env):
    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=subprocess_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db
def test_production_values_pass_the_deploy_check():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=subprocess_env(**PRODUCTION)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_asks_for_the_public_origin_that_webhooks_need():
    env = subprocess_env(**{**PRODUCTION, "PUBLIC_BASE_URL": None})
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "claims.W001" in result.stderr and "PUBLIC_BASE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    ("env", "warning"),
    [
        ({"SOURCE_FETCH_ALLOWED_NETWORKS": "10.0.0.0/8"}, "claims.W003"),
        ({"ALLOWED_HOSTS": "*"}, "claims.W004"),
    ],
)
def test_the_deploy_check_warns_about_settings_that_open_the_site_up(env, warning):
    result = manage("check", "--deploy", env=subprocess_env(**{**PRODUCTION, **env}))
    assert warning in result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EXTRACTION_THRESHOLD": "abc"}, "EXTRACTION_THRESHOLD must be a number, not 'abc'"),
        ({"SOURCE_FETCH_TIMEOUT": "10s"}, "SOURCE_FETCH_TIMEOUT must be a number"),
        ({"WEBHOOK_RETRY_DELAYS": "30,120,"}, "WEBHOOK_RETRY_DELAYS must be whole numbers"),
        ({"SOURCE_FETCH_ALLOWED_NETWORKS": "10.0.0.0/33"}, "'10.0.0.0/33' is not one"),
    ],
)
def test_a_malformed_value_is_refused_at_startup_by_its_name(env, message):
    result = manage("check", env=subprocess_env(**env))
    assert result.returncode != 0
    assert message in result.stderr


def test_development_defaults_need_nothing():
    values = show_settings(
        DATABASE_URL=None, REDIS_URL=None, DEBUG=None, SECRET_KEY=None, LANGUAGE_CODE=None
    )
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(PROJECT_DIR / "db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["language"] == "fr"
    assert values["time_zone"] == "Europe/Paris"
    assert values["ssl_redirect"] is False


def test_production_turns_https_on():
    values = show_settings(**PRODUCTION)
    assert values["debug"] is False
    assert values["ssl_redirect"] is True
    assert values["secure_cookies"] is True


def test_redis_url_makes_redis_the_broker_and_the_cache():
    values = show_settings(REDIS_URL="redis://127.0.0.1:6379/3")
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["eager"] is False


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set when DEBUG is off"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"LANGUAGE_CODE": "de"}, "LANGUAGE_CODE must be one of fr, en"),
        ({"PUBLIC_BASE_URL": "https://verif.example.org/fr"}, "PUBLIC_BASE_URL must be an origin"),
        ({"PUBLIC_BASE_URL": "verif.example.org"}, "PUBLIC_BASE_URL must be an origin"),
        ({"SOURCE_FETCH_ALLOWED_PORTS": "80,https"}, "SOURCE_FETCH_ALLOWED_PORTS must be TCP"),
        ({"SOURCE_FETCH_ALLOWED_PORTS": "80,70000"}, "SOURCE_FETCH_ALLOWED_PORTS must be TCP"),
        ({"ORGANISATION_URL": "javascript:alert(1)"}, "ORGANISATION_URL is not a valid url"),
        (
            {"ORGANISATION_TRANSPARENCY_URL": "www.example.org/about"},
            "ORGANISATION_TRANSPARENCY_URL is not a valid url",
        ),
        (
            {"ORGANISATION_CONTACT_EMAIL": "contact at example.org"},
            "ORGANISATION_CONTACT_EMAIL is not a valid email",
        ),
    ],
)
def test_unsafe_production_settings_are_refused(env, message):
    result = manage("check", env=subprocess_env(**{**PRODUCTION, **env}))
    assert result.returncode != 0
    assert message in result.stderr


def test_the_path_a_site_is_served_under_comes_from_the_environment():
    site = {"PUBLIC_BASE_URL": "https://verif.example.org/", "FORCE_SCRIPT_NAME": "/verif/"}
    env = subprocess_env(**{**PRODUCTION, **site})
    script = "from django.conf import settings as s; print(s.PUBLIC_BASE_URL, s.FORCE_SCRIPT_NAME)"
    result = manage("shell", "--no-imports", "-c", script, env=env)
    assert result.stdout.split() == ["https://verif.example.org", "/verif"], result.stderr


@pytest.mark.parametrize("script_name", [None, "/verif/"])
def test_the_health_check_is_answered_over_plain_http_under_any_path(script_name):
    """The container's health check asks over HTTP; only /healthz escapes the HTTPS redirect."""
    site = {"PUBLIC_BASE_URL": "https://verif.example.org", "FORCE_SCRIPT_NAME": script_name}
    env = subprocess_env(**{**PRODUCTION, **site, "ALLOWED_HOSTS": "localhost"})
    script = (
        "from django.test import Client; c = Client(HTTP_HOST='localhost'); "
        "print(c.get('/healthz').status_code, c.get('/admin/login/').status_code)"
    )
    result = manage("shell", "--no-imports", "-c", script, env=env)
    assert result.stdout.split()[-2:] == ["200", "301"], result.stdout + result.stderr


def test_the_suite_runs_on_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_the_cache_round_trips_through_redis():
    import redis

    key = f"test-{secrets.token_hex(4)}"
    cache.set(key, {"verdict": "faux"}, 30)
    assert cache.get(key) == {"verdict": "faux"}
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(key in k.decode() for k in raw.keys(f"*{key}*"))
    cache.delete(key)


@pytest.mark.django_db
def test_the_app_s_postgresql_connections_do_not_compile_plans_just_in_time():
    # JIT cost a search at a million verdicts 20 ms of compiling for 7 ms of work.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    show_jit = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW jit'); print(c.fetchone()[0])"
    )
    result = manage("shell", "--no-imports", "-c", show_jit, env=subprocess_env(DATABASE_JIT="1"))
    assert result.returncode == 0, result.stderr
    # The server's own setting, as a connection without the app's options sees it.
    with psycopg.connect(database_url()) as plain:
        assert result.stdout.strip() == plain.execute("SHOW jit").fetchone()[0]
