"""Readers send a claim to check or an error in a verdict; no account needed."""

import logging
import re

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited
from redis.exceptions import RedisError

from ..forms import SubmissionForm
from ..models import ReaderSubmission
from ..publishing.verdicts import published_reviews
from ..security import rate_limit_key
from .common import absolute_url

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # each reader's form holds their own CSRF token
def submit(request):
    if request.method != "POST":
        # From a verdict's "report an error" link; anything else starts a plain form.
        kind = request.GET.get("kind")
        initial = {
            "kind": kind if kind in ReaderSubmission.Kind.values else ReaderSubmission.Kind.CLAIM
        }
        review = request.GET.get("review", "")
        # As verdict URLs write ids (claims/converters.py): up to 18 ASCII digits.
        if re.fullmatch(r"[0-9]{1,18}", review) and published_reviews().filter(pk=review).exists():
            initial["review"] = review
        return render(
            request,
            "public/submit.html",
            {
                "form": SubmissionForm(initial=initial),
                "canonical_url": absolute_url(request, request.path),
            },
        )

    form = SubmissionForm(request.POST)
    if _messages_left(request) == 0:
        form.is_valid()
        return _rate_limited(request, form)
    if form.is_bot:
        # Say thanks as to anyone; keep nothing.
        return redirect("public:submit-thanks")
    if not form.is_valid():
        return render(request, "public/submit.html", {"form": form}, status=400)
    # Only messages kept count: a reader correcting a typo loses none of their posts. Counting
    # here also settles two posts sent at once when one message was left.
    if _count_message(request):
        return _rate_limited(request, form)
    submission = form.save(commit=False)
    submission.language = get_language()
    submission.save()
    return redirect("public:submit-thanks")


def _rate_limited(request, form):
    response = render(
        request, "public/submit.html", {"form": form, "rate_limited": True}, status=429
    )
    response["Retry-After"] = str(_period_seconds(settings.SUBMISSIONS_RATE))
    return response


# With the counters' cache down, messages are taken (the honeypot still drops bots) rather than
# lost to a 500, as the pages stay up without it. Not on a misconfiguration: that must still
# fail loudly.
_COUNTERS_DOWN = (RedisError, OSError)


def _by_client(group, request):
    # django-ratelimit's own "ip" key raises (a 500) when the proxy's header is missing or
    # holds a list; this one falls back to the connection's address, as the API's limit does.
    return rate_limit_key(request)


def _limit(request, **kwargs):
    return {
        "request": request,
        "group": "claims.views.submissions.submit",
        "key": _by_client,
        "rate": settings.SUBMISSIONS_RATE,
        "method": "POST",
        **kwargs,
    }


def _messages_left(request):
    """How many more messages this address may send in the current window (None: unknown)."""
    try:
        usage = get_usage(**_limit(request, increment=False))
    except _COUNTERS_DOWN:
        logger.warning("submission rate limit unavailable", exc_info=True)
        return None
    if usage is None:  # RATELIMIT_FAIL_OPEN and a counter that could not be read
        return None
    return max(usage["limit"] - usage["count"], 0)


def _count_message(request):
    """Count a message about to be kept; whether it is one over ``SUBMISSIONS_RATE``."""
    try:
        return is_ratelimited(**_limit(request, increment=True))
    except _COUNTERS_DOWN:
        logger.warning("submission rate limit unavailable", exc_info=True)
        return False


def submit_thanks(request):
    return render(request, "public/submit_thanks.html")


def _period_seconds(rate):
    """The window of a django-ratelimit rate such as ``5/h`` or ``10/15m``, in seconds."""
    period = rate.partition("/")[2]
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    digits = period[:-1]
    return (int(digits) if digits else 1) * units[period[-1]]


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a refused submission comes back in a fresh form with what the
    reader wrote (nothing is stored); any other refused form gets a page that says why."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "public:submit":
        kept = {name: request.POST.get(name, "") for name in _KEPT_ON_REFUSAL}
        form = SubmissionForm(initial={name: value for name, value in kept.items() if value})
        context = {"form": form, "csrf_refused": True}
        response = render(request, "public/submit.html", context, status=403)
        add_never_cache_headers(response)  # it holds a fresh CSRF token, the reader's own
        return response
    return render(request, "403_csrf.html", status=403)


# What a reader typed or chose; not the honeypot, not the token.
_KEPT_ON_REFUSAL = ("kind", "text", "url", "review", "email")
