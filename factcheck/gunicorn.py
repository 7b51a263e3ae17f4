"""gunicorn's settings in production (``gunicorn factcheck.wsgi -c python:factcheck.gunicorn``),
read from the environment like the app's."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A sync worker streaming a response does not report to the arbiter until it is done: at the
# default 30 s, the DataFeed (44 to 78 s at 100,000 verdicts, docs/benchmarks.md) was cut off
# mid-body after its 200, leaving partners with invalid JSON.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"
