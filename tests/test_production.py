"""Production settings served for real: gunicorn, WhiteNoise, HTTPS headers."""

import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from .conftest import PROJECT_DIR, free_port, manage, stop_process_group, subprocess_env
from .test_demo import wait_for_http


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, headers=None):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, r.headers, r.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, ""


@pytest.fixture
def production_server(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        env = subprocess_env(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            TRUST_X_FORWARDED_PROTO="1",
            STATIC_ROOT=str(tmp_path / "static"),
        )
    collected = manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/healthz", 30)
        yield base
    finally:
        stop_process_group(process)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_production_server_forces_https_and_serves_hashed_static_files(production_server):
    base = production_server
    status, _, body = fetch(f"{base}/healthz")
    assert (status, '"database": "ok"' in body) == (200, True)

    status, headers, _ = fetch(f"{base}/admin/login/")
    assert status == 301
    assert headers["Location"] == base.replace("http://", "https://") + "/admin/login/"

    status, headers, html = fetch(f"{base}/admin/login/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["X-Frame-Options"] == "DENY"
    assert "Secure" in headers["Set-Cookie"]
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', html).group(1)
    status, headers, css = fetch(f"{base}{stylesheet}", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert css

    status, _, _ = fetch(f"{base}/healthz", {"Host": "evil.example"})
    assert status == 400
