"""gunicorn's settings in production (``gunicorn factcheck.wsgi -c python:factcheck.gunicorn``),
read from the environment like the app's."""

import os


def seconds(name, default):
    """A whole number of seconds from the environment, or a message naming the variable."""
    value = os.environ.get(name, default)
    if not value.strip().isdecimal() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of seconds, 1 or more, not {value!r}")
    return int(value)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn itself reads WEB_CONCURRENCY (as its default) before this file, and names it when
# it is no integer.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A sync worker streaming a response does not report to the arbiter until it is done: at the
# default 30 s, the DataFeed (44 to 78 s at 100,000 verdicts, docs/benchmarks.md) was cut off
# mid-body after its 200, leaving partners with invalid JSON.
timeout = seconds("GUNICORN_TIMEOUT", "300")
graceful_timeout = seconds("GUNICORN_GRACEFUL_TIMEOUT", "30")
accesslog = "-"
