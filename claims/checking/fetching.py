"""Fetch pages from URLs that users typed, without letting them reach our own network (SSRF).

Every hop is resolved once, every resolved address is vetted, and the socket is opened to
exactly that address, so a DNS answer cannot change between the check and the connection.
"""

from __future__ import annotations

import functools
import http.cookiejar
import re
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
import idna
from django.conf import settings

from .addresses import parse_networks, resolve_and_check
from .bodies import read_body
from .fetch_errors import FetchError

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; source checker)"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_HOST_NAME = re.compile(r"[a-z0-9_.-]+")


@dataclass
class FetchResult:
    """A response, whatever its status: callers decide what a 404 means to them."""

    url: str
    final_url: str
    status_code: int
    headers: dict[str, str]
    content_type: str
    body: bytes
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    body_complete: bool = True

    def raise_for_status(self) -> FetchResult:
        """Raise FetchError("http_4xx" / "http_5xx" / "http_nonstandard") for error statuses,
        else return self."""
        if not 100 <= self.status_code <= 599:
            raise FetchError("http_nonstandard", nonstandard_status_message(self.status_code))
        if 400 <= self.status_code < 500:
            raise FetchError("http_4xx", f"the server answered {self.status_code}")
        if self.status_code >= 500:
            raise FetchError("http_5xx", f"the server answered {self.status_code}")
        return self


def nonstandard_status_message(status: int) -> str:
    return f"the server answered HTTP {status}, a status that HTTP does not define"


def fetch(
    url: str,
    *,
    max_bytes: int = 5 * 1024 * 1024,
    timeout: float = 10.0,
    deadline: float = 30.0,
    max_redirects: int = 5,
    allowed_networks: Iterable | str | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> FetchResult:
    """GET ``url``, vetting the address of every hop; HTTP error statuses are returned, not raised.

    ``allowed_networks`` (default: the SOURCE_FETCH_ALLOWED_NETWORKS setting) exempts networks
    from the address policy; it exists for tests and local setups and is unsafe in production.
    """
    started = time.monotonic()
    if allowed_networks is None:
        allowed_networks = getattr(settings, "SOURCE_FETCH_ALLOWED_NETWORKS", "")
    networks = parse_networks(allowed_networks)
    target = _Target.parse(url)
    redirects: list[str] = []
    with _client(user_agent, started + deadline) as client:
        while True:
            remaining = deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise FetchError("timeout", f"gave up after {deadline:g} seconds")
            ips = resolve_and_check(target.host, target.port, networks, timeout=remaining)
            remaining = deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise FetchError("timeout", f"gave up after {deadline:g} seconds")
            request_timeout = httpx.Timeout(min(timeout, remaining))
            with (
                _translated_errors(),
                closing(_send(client, target, ips, request_timeout)) as response,
            ):
                location = response.headers.get("location")
                if response.status_code not in _REDIRECT_STATUSES or not location:
                    body = read_body(response, max_bytes, started + deadline)
                    return _result(url, target, response, body, started, redirects)
            if len(redirects) >= max_redirects:
                raise FetchError("too_many_redirects", f"more than {max_redirects} redirects")
            target = _Target.parse(urljoin(target.url, location))
            redirects.append(target.url)


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    max_bytes: int = 64 * 1024,
    timeout: float = 10.0,
    allowed_networks: Iterable | str | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> FetchResult:
    """POST ``body`` to ``url`` under the same address policy as ``fetch``: one resolution,
    every address vetted, the socket pinned to a vetted address, no proxy from the environment.

    Redirects are not followed (a 3xx is returned like any other status), so the request never
    reaches a second host; ``timeout`` bounds the whole exchange. At most ``max_bytes`` of the
    answer are read: a longer, slower or broken answer body comes back empty, with
    ``body_complete`` False, as its status is the receiver's answer.
    """
    started = time.monotonic()
    if allowed_networks is None:
        allowed_networks = getattr(settings, "SOURCE_FETCH_ALLOWED_NETWORKS", "")
    networks = parse_networks(allowed_networks)
    target = _Target.parse(url)
    with _client(user_agent, started + timeout) as client:
        ips = resolve_and_check(target.host, target.port, networks, timeout=timeout)
        request_timeout = httpx.Timeout(timeout)  # and the connection's deadline, as it goes
        with (
            _translated_errors(),
            closing(
                _send(
                    client,
                    target,
                    ips,
                    request_timeout,
                    method="POST",
                    content=body,
                    headers=headers,
                )
            ) as response,
        ):
            try:
                with _translated_errors():
                    answer = read_body(response, max_bytes, started + timeout)
            except FetchError:
                result = _result(url, target, response, b"", started)
                result.body_complete = False
                return result
            return _result(url, target, response, answer, started)


def _result(url, target, response, body, started, redirects=None):
    media_type = response.headers.get("content-type", "").partition(";")[0]
    return FetchResult(
        url=url,
        final_url=target.url,
        status_code=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        content_type=media_type.strip().lower(),
        body=body,
        redirects=redirects if redirects is not None else [],
        elapsed=time.monotonic() - started,
    )


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), without IPv6 brackets
    port: int
    path: str  # path and query

    @classmethod
    def parse(cls, url: str) -> _Target:
        """Validate a URL; raise FetchError("invalid_url") for anything we won't fetch."""
        url = url.strip()
        # urlsplit silently drops tabs and newlines, so such a URL could mean two things.
        if any(ord(char) < 0x20 or char == "\x7f" for char in url):
            raise FetchError("invalid_url", "the URL contains control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError("invalid_url", f"this is not a valid URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise FetchError("invalid_url", "only http and https URLs can be fetched")
        if "@" in parts.netloc:
            # user@host is how "https://trusted.example@evil.example/" fools people.
            raise FetchError("invalid_url", "URLs with a user name or password are not fetched")
        if port == 0:
            raise FetchError("invalid_url", "the URL has an invalid port")
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        return cls(scheme, _ascii_host(parts.hostname or ""), port or _DEFAULT_PORTS[scheme], path)

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.path}"

    def pinned_url(self, ip: str) -> httpx.URL:
        host = f"[{ip}]" if ":" in ip else ip
        return httpx.URL(f"{self.scheme}://{host}:{self.port}{self.path}")


def _ascii_host(host: str) -> str:
    if ":" in host:  # an IPv6 literal, which urlsplit has already validated
        return host
    try:
        host = idna.encode(host, uts46=True).decode("ascii") if not host.isascii() else host
    except idna.IDNAError as exc:
        raise FetchError("invalid_url", f"invalid host name: {exc}") from exc
    if not _HOST_NAME.fullmatch(host):
        raise FetchError("invalid_url", "the URL has no valid host name")
    return host


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Built once: loading the CA bundle costs more than a small fetch.
    return httpx.create_ssl_context()


def _within(expires: float, timeout: float | None, error: type[Exception]) -> float:
    """``timeout`` cut to what is left before ``expires``; ``error`` once nothing is left."""
    remaining = expires - time.monotonic()
    if remaining <= 0:
        raise error("the fetch's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write is bounded by the fetch's deadline: per-read
    timeouts alone let a server dripping one header line at a time hold a worker for ever."""

    def __init__(self, stream: httpcore.NetworkStream, expires: float) -> None:
        self._stream, self._expires = stream, expires

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(self._expires, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within(self._expires, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        timeout = _within(self._expires, timeout, httpcore.ConnectTimeout)
        tls = self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _DeadlineStream(tls, self._expires)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, expires: float) -> None:
        self._expires = expires

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _within(self._expires, timeout, httpcore.ConnectTimeout)
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._expires)


def _transport(expires: float) -> httpx.HTTPTransport:
    context = _ssl_context()
    # Connections are keyed by IP, so a pooled TLS connection verified for one host could
    # otherwise carry the next hop to another host on the same address: no keep-alive.
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    # httpx does not take a network backend; its pool does. Same settings, plus the deadline.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_keepalive_connections=0,
        network_backend=_DeadlineBackend(expires),
    )
    return transport


def _client(user_agent: str, expires: float) -> httpx.Client:
    return httpx.Client(
        transport=_transport(expires),
        headers={
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            # Only what _inflate decodes in bounded steps.
            "Accept-Encoding": "gzip, deflate",
        },
        follow_redirects=False,
        # A proxy from the environment would do its own DNS lookup, undoing the pinning.
        trust_env=False,
        # Cookies would be keyed by the pinned IP too, and leak between sites sharing it.
        cookies=http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
    )


def _send(
    client: httpx.Client,
    target: _Target,
    ips: list[str],
    timeout: httpx.Timeout,
    *,
    method: str = "GET",
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Connect to the first vetted address that answers, speaking to it as ``target.host``."""

    def request(ip: str) -> httpx.Request:
        try:
            return client.build_request(
                method,
                target.pinned_url(ip),
                content=content,
                # Host last: a caller's header cannot point the request at another name.
                headers={**(headers or {}), "Host": target.netloc},
                # httpcore sends this name as SNI and verifies the certificate against it,
                # although the URL it connects to holds the IP.
                extensions={"sni_hostname": target.host},
                timeout=timeout,
            )
        except httpx.InvalidURL as exc:
            raise FetchError("invalid_url", f"this is not a valid URL: {exc}") from exc

    for ip in ips[:-1]:
        try:
            return client.send(request(ip), stream=True)
        except httpx.ConnectTimeout:
            continue  # an address that drops connections: another one may answer in time
        except httpx.ConnectError as exc:
            # Another address of the same host may answer; a TLS failure won't get better.
            if _ssl_cause(exc) is not None:
                raise
    return client.send(request(ips[-1]), stream=True)


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except httpx.InvalidURL as exc:
        # httpx parses a redirect's Location even when it does not follow redirects (for
        # response.next_request); a bad one is no connection failure, nor a crash of ours.
        raise _bad_location(exc) from exc
    except httpx.TimeoutException as exc:
        raise FetchError("timeout") from exc
    except httpx.TransportError as exc:
        if isinstance(exc.__context__, httpx.InvalidURL):
            # How httpx reports a Location that is no URL at all: a "protocol error".
            raise _bad_location(exc.__context__) from exc
        if (cause := _ssl_cause(exc)) is not None:
            reason = getattr(cause, "verify_message", None) or cause.reason or cause
            raise FetchError("tls", f"TLS failed: {reason}") from exc
        if isinstance(exc, httpx.ConnectError):
            raise FetchError("connect") from exc
        raise FetchError("connect", f"the connection failed: {exc or type(exc).__name__}") from exc
    except zlib.error as exc:
        # Not a connection failure, but the same outcome for callers: no usable response.
        raise FetchError("connect", "the server sent a corrupt compressed body") from exc
    except httpx.HTTPError as exc:
        # Whatever else httpx raises, callers expect a FetchError, never a crash.
        raise FetchError("connect", f"the fetch failed: {exc or type(exc).__name__}") from exc


def _bad_location(exc: Exception) -> FetchError:
    return FetchError("invalid_url", f"the server redirected to an invalid URL: {exc}")


def _ssl_cause(exc: BaseException | None) -> ssl.SSLError | None:
    # httpx wraps httpcore's error, which wraps the ssl module's.
    while exc is not None:
        if isinstance(exc, ssl.SSLError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None
