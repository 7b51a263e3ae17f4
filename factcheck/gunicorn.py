"""gunicorn's settings in production (``gunicorn factcheck.wsgi -c python:factcheck.gunicorn``),
read from the environment like the app's."""

import os


def whole(name, default, unit):
    """A whole number, 1 or more, from the environment, or a message naming the variable."""
    value = os.environ.get(name, default)
    if not value.strip().isdecimal() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of {unit}, 1 or more, not {value!r}")
    return int(value)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn itself reads WEB_CONCURRENCY (as its default) before this file, and stops on one
# that is no integer; 0 it accepts, and then runs no worker at all.
workers = whole("WEB_CONCURRENCY", "3", "workers")
# A sync worker streaming a response does not report to the arbiter until it is done: at the
# default 30 s, the DataFeed (44 to 78 s at 100,000 verdicts, docs/benchmarks.md) was cut off
# mid-body after its 200, leaving partners with invalid JSON.
timeout = whole("GUNICORN_TIMEOUT", "300", "seconds")
graceful_timeout = whole("GUNICORN_GRACEFUL_TIMEOUT", "30", "seconds")
accesslog = "-"
