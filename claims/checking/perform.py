"""One check of a URL, without the database: fetch safely, extract, digest, verify quotes.

A worker's check and ``manage.py check_source`` run exactly this.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

import trafilatura
from django.conf import settings

from .decoding import decode_page
from .fetching import FetchError, fetch, nonstandard_status_message

TRANSIENT = {"timeout", "connect", "http_5xx"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass
class CheckOutcome:
    url: str
    final_url: str = ""
    status_code: int | None = None
    error_class: str = ""
    error: str = ""
    content_type: str = ""
    redirects: list = field(default_factory=list)
    body: bytes = b""
    sha256: str = ""
    title: str = ""
    author: str = ""
    published: date | None = None
    site_name: str = ""
    text: str = ""
    quotes: list = field(default_factory=list)

    @property
    def ok(self):
        """The page answered and can serve as evidence (a non-HTML document still can)."""
        return self.error_class in ("", "not_html")

    @property
    def transient(self):
        """Worth retrying soon: the next attempt may well succeed."""
        return self.error_class in TRANSIENT

    def as_dict(self):
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status_code": self.status_code,
            "ok": self.ok,
            "error": self.error_class or None,
            "content_type": self.content_type,
            "bytes": len(self.body),
            "sha256": self.sha256,
            "title": self.title,
            "author": self.author,
            "published": self.published.isoformat() if self.published else None,
            "site_name": self.site_name,
            "text": self.text,
            "quotes": [
                {k: q[k] for k in ("quote", "verdict", "score", "matched_text")}
                for q in self.quotes
            ],
        }


def perform_check(url, quotes=(), *, allowed_networks=None):
    """Check one URL and verify ``quotes`` against its main text."""
    outcome = CheckOutcome(url=url)
    try:
        result = fetch(
            url,
            max_bytes=settings.SOURCE_FETCH_MAX_BYTES,
            timeout=settings.SOURCE_FETCH_TIMEOUT,
            deadline=settings.SOURCE_FETCH_DEADLINE,
            allowed_networks=allowed_networks,
        )
    except FetchError as exc:
        outcome.error_class, outcome.error = exc.kind, str(exc)
        return outcome
    outcome.final_url = result.final_url
    outcome.status_code = result.status_code
    outcome.redirects = list(result.redirects)
    outcome.content_type = result.content_type
    outcome.body = result.body
    outcome.sha256 = hashlib.sha256(result.body).hexdigest()
    if not 100 <= result.status_code <= 599:
        # LinkedIn's 999 to robots: nothing says a retry would fare better than a 4xx.
        outcome.error_class = "http_nonstandard"
        outcome.error = nonstandard_status_message(result.status_code)
        return outcome
    if result.status_code >= 500:
        outcome.error_class, outcome.error = (
            "http_5xx",
            f"the server answered HTTP {result.status_code}",
        )
        return outcome
    if result.status_code >= 400:
        outcome.error_class, outcome.error = (
            "http_4xx",
            f"the server answered HTTP {result.status_code}",
        )
        return outcome
    if result.content_type in _HTML_TYPES:
        _extract(outcome, decode_page(result.body, result.headers.get("content-type", "")))
    elif result.content_type == "text/plain":
        outcome.text = decode_page(result.body, result.headers.get("content-type", "")).strip()
    else:
        outcome.error_class = "not_html"
        outcome.error = f"not a web page ({result.content_type or 'no content type'})"
    quotes = [q for q in quotes if q and q.strip()]
    # With no text (a PDF, an empty page) nothing was read: "absent" would say the source
    # does not carry the quote, which nobody knows.
    if quotes and outcome.text:
        from .quotes import verify_quotes

        outcome.quotes = [verdict.as_dict() for verdict in verify_quotes(quotes, outcome.text)]
    return outcome


def _extract(outcome, html):
    # fast: no second-opinion extractors; a source check runs by the thousand.
    extracted = trafilatura.bare_extraction(
        html, url=outcome.final_url, with_metadata=True, include_comments=False, fast=True
    )
    data = extracted.as_dict() if extracted is not None else {}
    outcome.text = (data.get("text") or "").strip()
    outcome.title = (data.get("title") or "").strip()[:500]
    outcome.author = (data.get("author") or "").strip()[:300]
    outcome.site_name = (data.get("sitename") or "").strip()[:200]
    try:
        outcome.published = (
            date.fromisoformat(str(data.get("date"))[:10]) if data.get("date") else None
        )
    except ValueError:
        outcome.published = None
