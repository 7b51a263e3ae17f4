"""docker-compose.yml: no engine runs here, so check that the stack is wired as documented."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import PROJECT_DIR

GUNICORN = Path(sys.executable).with_name("gunicorn")
APP_SERVICES = ["web", "worker", "checks-worker", "extraction-worker", "beat"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())


def command_of(service):
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_the_stack_has_its_services(compose):
    assert set(compose["services"]) == {
        "db",
        "redis",
        "web",
        "worker",
        "checks-worker",
        "extraction-worker",
        "beat",
    }
    assert compose["services"]["db"]["build"] == "docker/db"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_redis_is_bounded_and_never_evicts_the_broker_s_queues(compose):
    command = command_of(compose["services"]["redis"])
    # Queues have no time to live; cached pages and rate counts do.
    assert "--maxmemory-policy volatile-lru" in command
    assert "--maxmemory ${REDIS_MAXMEMORY:-512mb}" in command


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"], name


def test_app_services_share_one_environment_and_build(compose):
    services = compose["services"]
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["DEBUG"] == "0"
    assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy"


def test_database_credentials_match(compose):
    db = compose["services"]["db"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    user, password, name = re.match(r"postgres://(\w+):(\w+)@db:5432/(\w+)", url).groups()
    assert (user, password, name) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        db["POSTGRES_DB"],
    )


def test_processes(compose):
    services = compose["services"]
    assert "gunicorn factcheck.wsgi" in command_of(services["web"])
    assert "migrate" in command_of(services["web"])
    assert "celery -A factcheck worker --queues=celery" in command_of(services["worker"])
    extraction = command_of(services["extraction-worker"])
    assert "worker --queues=extraction --pool=prefork" in extraction
    assert "worker --queues=checks --pool=threads" in command_of(services["checks-worker"])
    assert "celery -A factcheck beat" in command_of(services["beat"])


def test_app_services_share_the_evidence_volume(compose):
    for name in APP_SERVICES:
        assert "evidence:/app/media" in " ".join(compose["services"][name]["volumes"]), name


def test_the_web_healthcheck_uses_the_health_endpoint(compose):
    test = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "/healthz" in test


def test_dockerfile_installs_the_project_and_runs_gunicorn():
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.11")
    assert "pip install ." in dockerfile
    assert "collectstatic" in dockerfile
    assert "USER factcheck" in dockerfile
    # An image run without the compose file is not a development server with a known key.
    assert "ENV DEBUG=0 " in dockerfile
    assert '"gunicorn", "factcheck.wsgi", "--config", "python:factcheck.gunicorn"' in dockerfile


def test_the_web_service_runs_gunicorn_with_the_project_s_settings(compose):
    assert "gunicorn factcheck.wsgi --config python:factcheck.gunicorn" in command_of(
        compose["services"]["web"]
    )


def gunicorn_settings(**environ):
    printed = subprocess.run(
        [GUNICORN, "--print-config", "--config", "python:factcheck.gunicorn", "factcheck.wsgi"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DEBUG": "1", **environ},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(re.findall(r"^(\w+) += (.*)$", printed, re.MULTILINE))


def test_gunicorn_lets_a_long_export_finish_and_reads_the_environment():
    settings = gunicorn_settings()
    # The DataFeed streams for 44 to 78 s at 100,000 verdicts; gunicorn's default 30 s cut it.
    assert int(settings["timeout"]) == 300
    assert (settings["bind"], settings["workers"], settings["accesslog"]) == (
        "['0.0.0.0:8000']",
        "3",
        "-",
    )
    settings = gunicorn_settings(GUNICORN_TIMEOUT="900", WEB_CONCURRENCY="5")
    assert (settings["timeout"], settings["workers"]) == ("900", "5")


def test_settings_not_set_by_the_stack_come_from_an_optional_env_file(compose):
    for name in APP_SERVICES:
        assert compose["services"][name]["env_file"] == [{"path": ".env", "required": False}]


def test_behind_the_proxy_clients_are_told_apart_by_their_forwarded_address(compose):
    env = compose["services"]["web"]["environment"]
    assert env["TRUST_X_FORWARDED_PROTO"] == "1"
    assert env["RATELIMIT_IP_META_KEY"] == "${RATELIMIT_IP_META_KEY:-HTTP_X_FORWARDED_FOR}"


def test_the_database_image_is_postgres_16_with_rum():
    dockerfile = (PROJECT_DIR / "docker/db/Dockerfile").read_text()
    assert "\nFROM postgres:16\n" in dockerfile
    assert 'apt-get install -y --no-install-recommends "postgresql-${PG_MAJOR}-rum"' in dockerfile


def test_python_healthchecks_are_valid_python(compose):
    for name, service in compose["services"].items():
        test = service["healthcheck"]["test"]
        if test[:3] == ["CMD", "python", "-c"]:
            compile(test[3], f"{name} healthcheck", "exec")


@pytest.mark.parametrize("name", ["GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"])
@pytest.mark.parametrize("value", ["5m", "0", "-1", ""])
def test_gunicorn_refuses_a_timeout_that_is_no_number_of_seconds_and_names_it(name, value):
    run = subprocess.run(
        [GUNICORN, "--print-config", "--config", "python:factcheck.gunicorn", "factcheck.wsgi"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DEBUG": "1", name: value},
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert f"{name} must be a whole number of seconds, 1 or more, not {value!r}" in run.stderr


def test_gunicorn_refuses_to_start_no_worker():
    run = subprocess.run(
        [GUNICORN, "--print-config", "--config", "python:factcheck.gunicorn", "factcheck.wsgi"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DEBUG": "1", "WEB_CONCURRENCY": "0"},
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "WEB_CONCURRENCY must be a whole number of workers, 1 or more, not '0'" in run.stderr
