"""What a fetch that produced no response says: one kind for code, one line for people."""

_MESSAGES = {
    "invalid_url": "this is not a valid http or https URL",
    "blocked": "this address points to a private or reserved network",
    "dns": "the host name could not be resolved",
    "connect": "could not connect to the server",
    "timeout": "the server took too long to answer",
    "tls": "the server's TLS certificate could not be verified",
    "too_large": "the page is too large",
    "too_many_redirects": "the page redirects too many times",
    "http_4xx": "the server refused the request",
    "http_5xx": "the server failed to answer the request",
    "http_nonstandard": "the server answered with a status that HTTP does not define",
    "not_html": "the page is not an HTML document",
}


class FetchError(Exception):
    """A fetch that produced no response: ``kind`` is for code, ``str(exc)`` is for people."""

    KINDS = frozenset(_MESSAGES)

    def __init__(self, kind: str, message: str | None = None):
        if kind not in self.KINDS:
            raise ValueError(f"unknown fetch error kind: {kind!r}")
        self.kind = kind
        # One line, whatever a library put in the text we quote.
        super().__init__(" ".join((message or _MESSAGES[kind]).split()))

    def __reduce__(self):
        # Celery pickles exceptions; the default would call __init__ with the message alone.
        return type(self), (self.kind, str(self))
