"""The fact-checkers' admin: triage claims, attach sources, see their checks, draft verdicts."""

from . import (  # noqa: F401 - registers admins
    apikeys,
    articles,
    claims,
    imports,
    ratings,
    sources,
    submissions,
    verdicts,
    webhooks,
)
