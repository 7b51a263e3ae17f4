"""Celery: real workers on the real broker, and in-process tasks without one."""

import json

import pytest

from claims.tasks import ping

from .conftest import manage, subprocess_env


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_tasks_through_redis_on_the_same_database(celery_worker_process):
    from django.db import connection

    result = ping.delay()
    assert result.get(timeout=30) == {
        "database": "postgresql",
        "name": connection.settings_dict["NAME"],
        "ok": True,
    }
    assert result.successful()


def test_without_redis_tasks_run_in_process(tmp_path):
    code = (
        "import json; from claims.tasks import ping; r = ping.delay(); print(json.dumps(r.get()))"
    )
    env = subprocess_env(REDIS_URL=None, DATABASE_URL=f"sqlite:///{tmp_path / 'eager.sqlite3'}")
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "database": "sqlite",
        "name": str(tmp_path / "eager.sqlite3"),
        "ok": True,
    }
