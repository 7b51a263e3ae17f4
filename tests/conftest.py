import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _real_services_only():
    """The suite is a specification of behaviour on PostgreSQL and Redis, not on stand-ins."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.exit("run the tests with `make test`: they need PostgreSQL and Redis", returncode=1)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language; a request activating another must not leak."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def database_url():
    """URL of the database the tests use, for subprocesses that must see the same rows."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


def subprocess_env(**overrides):
    """Environment for a child process: this test run's services unless overridden.

    ``None`` removes a variable.
    """
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args, env=None, timeout=60):
    """Run ``manage.py`` in a child process, as a person would from a shell."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env or subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process_group(process, timeout=10):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker, consuming from the real Redis, on the test database."""
    hostname = f"tests-{os.getpid()}@{socket.gethostname()}"
    log_path = PROJECT_DIR / ".pytest_cache" / "celery-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    with django_db_blocker.unblock():
        env = subprocess_env()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--queues=celery,extraction",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname={hostname}",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    from factcheck.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{log_path.read_text()}")
        if app.control.ping(destination=[hostname], timeout=0.5):
            break
    else:
        stop_process_group(process)
        raise RuntimeError(f"Celery worker did not answer:\n{log_path.read_text()}")
    yield process
    stop_process_group(process)


class _Pages(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        status, content_type, body = self.server.pages.get(self.path, (404, "text/plain", b"nope"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def web_pages():
    """A real HTTP server on 127.0.0.1 serving ``server.pages[path] = (status, type, body)``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.pages = {}
    server.url = lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)
