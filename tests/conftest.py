import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
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


@pytest.fixture(autouse=True, scope="session")
def _media_outside_the_checkout(tmp_path_factory):
    """Evidence snapshots and uploads go to a folder of this run's, not the checkout's media/;
    workers and other child processes inherit it from the environment."""
    from django.test.utils import override_settings

    root = str(tmp_path_factory.mktemp("media"))
    previous = os.environ.get("MEDIA_ROOT")
    os.environ["MEDIA_ROOT"] = root
    with override_settings(MEDIA_ROOT=root):
        yield root
    if previous is None:
        os.environ.pop("MEDIA_ROOT", None)
    else:
        os.environ["MEDIA_ROOT"] = previous


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Rendered pages and API answers are cached under a version stamp that only moves when a
    transaction commits; tests that roll back would see each other's pages. Tests of the
    caches turn them on, on committed data (test_freshness.py, test_page_cache.py,
    test_api_caching.py, test_api_sync.py). The stamp is read afresh on every request (a Celery
    worker or another test's commit may move it); test_page_cache.py checks the memo's bound."""
    from claims.api.caching import answers
    from claims.api.keys import known_keys
    from claims.publishing.freshness import forget_public_version
    from claims.publishing.ratings import rating_scales
    from claims.views.page_cache import local_pages

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.API_CACHE_SECONDS = 0
    settings.PUBLIC_VERSION_MEMO_SECONDS = 0
    forget_public_version()
    local_pages.clear()
    answers.clear()
    known_keys.clear()
    rating_scales.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language; a request activating another must not leak."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_rate_counters(settings):
    """API rate counters live in Redis across runs and tests: each test counts afresh."""
    settings.API_RATE_KEY_PREFIX = f"test-api-rate:{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _export_slots_freed():
    """A real server closes every response, which frees its DataFeed export slot; the test
    client does not close a streamed one left unread, so each test ends by freeing them."""
    yield
    from claims import slots
    from claims.api.views import EXPORT_SLOTS

    if settings.REDIS_URL:
        slots._client(settings.REDIS_URL).delete(EXPORT_SLOTS)


def database_url():
    """URL of the database the tests use, for subprocesses that must see the same rows."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


def wait_until_blocked(what="the other transaction"):
    """Until another connection waits on a row lock in this test's database."""
    with psycopg.connect(database_url(), autocommit=True) as watcher:
        deadline = time.monotonic() + 30
        while not watcher.execute(
            "SELECT 1 FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        ).fetchone():
            assert time.monotonic() < deadline, f"{what} never waited"
            time.sleep(0.05)


def post_in_background(client, url, data):
    """POST ``data`` to ``url`` from another thread; returns the thread and its answers."""
    answers = []

    def post():
        try:
            answers.append(client.post(url, data))
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=post)
    thread.start()
    return thread, answers


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


def start_worker(queues, name, env=None, pool="solo", concurrency=1):
    """Start a real Celery worker process and wait until it answers a ping."""
    hostname = f"{name}-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
    log_path = PROJECT_DIR / ".pytest_cache" / f"worker-{name}.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                f"--queues={queues}",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname={hostname}",
            ],
            cwd=PROJECT_DIR,
            env=env or subprocess_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    from celery import Celery

    # Ping through the broker this worker listens to, which may be a private Redis.
    app = Celery(broker=(env or {}).get("REDIS_URL") or settings.REDIS_URL, set_as_current=False)
    process.log_path = log_path
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{log_path.read_text()}")
        if app.control.ping(destination=[hostname], timeout=0.5):
            return process
    stop_process_group(process)
    raise RuntimeError(f"Celery worker did not answer:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker for the default and extraction queues, on the test database."""
    with django_db_blocker.unblock():
        env = subprocess_env()
    process = start_worker("celery,extraction", "tests", env)
    yield process
    stop_process_group(process)


class _Pages(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        page = self.server.pages.get(self.path, (404, "text/plain", b"nope"))
        status, content_type, body = page[:3]
        if len(page) > 3:
            time.sleep(page[3])  # a slow page: (status, type, body, seconds)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_pages(host):
    server = http.server.ThreadingHTTPServer((host, 0), _Pages)
    server.daemon_threads = True
    server.pages = {}
    server.requests = []
    server.url = lambda path: f"http://{host}:{server.server_address[1]}{path}"
    return server


@pytest.fixture
def web_pages():
    """A real HTTP server on 127.0.0.1 serving ``server.pages[path] = (status, type, body)``."""
    server = serve_pages("127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


# Source checks fetch from 127.0.0.2: the only address the workers under test may reach,
# so 127.0.0.1 stays blocked for them as it is in production.
CHECKS_HOST = "127.0.0.2"
CHECKS_NETWORK = "127.0.0.2/32"


@pytest.fixture
def source_pages(settings):
    """A real HTTP server on 127.0.0.2 that source checks are allowed to fetch."""
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = CHECKS_NETWORK
    server = serve_pages(CHECKS_HOST)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def checks_worker_env(**overrides):
    return subprocess_env(SOURCE_FETCH_ALLOWED_NETWORKS=CHECKS_NETWORK, **overrides)
