"""The source fetcher against a real HTTP server on loopback.

Nothing here may reach beyond the machine: an autouse guard fails any test whose code tries to
connect() to an address that is not loopback, so "blocked" also means "never attempted".
"""

import functools
import gzip
import ipaddress
import pickle
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

from claims.checking import fetching
from claims.checking.addresses import (
    is_blocked_address,
    lookup,
    refused_port,
    resolve_and_check,
)
from claims.checking.fetching import DEFAULT_USER_AGENT, FetchError, fetch, post

LOOPBACK = "127.0.0.0/8"
PAGE = b"<!doctype html><title>Claim</title><p>Unemployment fell to 4.1%.</p>"


def raw_deflate(data, level=6):
    """Deflate without zlib's header and checksum, as some servers send it as "deflate"."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@functools.cache
def gzip_bomb():
    """16 MiB of zeros that travel as about 16 KiB."""
    return gzip.compress(bytes(16 * 1024 * 1024), compresslevel=9)


class LocalServer(ThreadingHTTPServer):
    # server_close() joins handler threads, so no test leaves a dripping thread behind.
    daemon_threads = False

    def __init__(self, handler=None):
        super().__init__(("127.0.0.1", 0), handler or Handler)
        self.requests = []
        self.stopping = threading.Event()
        self.sni_names = []

    @property
    def port(self):
        return self.server_address[1]

    def url(self, path, host="127.0.0.1", scheme="http"):
        return f"{scheme}://{host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.requests.append((self.path, self.headers))
        path, _, query = self.path.partition("?")
        params = dict(parse_qsl(query))
        match path.strip("/").split("/"):
            case ["page"]:
                self.reply(200, PAGE, "text/html; charset=utf-8")
            case ["host"]:
                self.reply(200, self.headers["Host"].encode(), "text/plain")
            case ["status", code]:
                self.reply(int(code), b"denied", "text/html")
            case ["missing"]:
                self.reply(404, b"<h1>Not found</h1>", "text/html")
            case ["redirect"]:
                self.redirect(params["to"], int(params.get("status", 302)))
            case ["chain", "0"]:
                self.reply(200, b"end of the chain", "text/plain")
            case ["chain", hops]:
                self.redirect(f"/chain/{int(hops) - 1}")
            case ["loop"]:
                self.redirect("/loop", 301)
            case ["bytes", size]:
                self.reply(200, b"x" * int(size), "text/plain")
            case ["unsized", size]:
                self.reply(200, b"x" * int(size), "text/plain", length=False)
            case ["gzip"]:
                self.reply(200, gzip.compress(PAGE), "text/html", {"Content-Encoding": "gzip"})
            case ["deflate"]:
                self.reply(200, zlib.compress(PAGE), "text/html", {"Content-Encoding": "deflate"})
            case ["raw-deflate"]:
                self.reply(200, raw_deflate(PAGE), "text/html", {"Content-Encoding": "deflate"})
            case ["raw-deflate-bomb"]:
                bomb = raw_deflate(bytes(16 * 1024 * 1024), 9)
                self.reply(200, bomb, "text/html", {"Content-Encoding": "deflate"})
            case ["corrupt-deflate"]:
                self.reply(200, b"\xff" * 64, "text/html", {"Content-Encoding": "deflate"})
            case ["bomb"]:
                self.reply(200, gzip_bomb(), "text/html", {"Content-Encoding": "gzip"})
            case ["drip"]:
                self.drip()
            case ["stall"]:
                self.server.stopping.wait(10)
            case ["drip-headers"]:
                self.drip_headers()
            case _:
                self.reply(404, b"no such route", "text/plain")

    def reply(self, status, body, content_type, headers=(), length=True):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in dict(headers).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location, status=302):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def drip(self):
        """One byte every 0.2 s for 10 s, unless the client or the test goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "50")
        self.end_headers()
        for _ in range(50):
            if self.server.stopping.wait(0.2):
                return
            try:
                self.wfile.write(b"x")
            except OSError:
                return

    def drip_headers(self):
        """A header line every 0.2 s for 10 s: each read is quick, the headers never end."""
        self.send_response(200)
        for _ in range(50):
            if self.server.stopping.wait(0.2):
                return
            try:
                self.wfile.write(b"X-Slow: a\r\n")
                self.wfile.flush()
            except OSError:
                return


class KeepAliveHandler(Handler):
    """Keeps connections open, so a client with a connection pool would reuse them."""

    protocol_version = "HTTP/1.1"


def serve(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def server():
    yield from serve(LocalServer())


def is_loopback(host):
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a host name would be resolved behind the fetcher's back
    return (getattr(ip, "ipv4_mapped", None) or ip).is_loopback


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Addresses this test connect()s to; a non-loopback one fails the test before it happens."""
    attempted, refused = [], []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempted.append(address[:2])
            if not is_loopback(address[0]):
                refused.append(address)
                pytest.fail(f"attempted a connection to non-loopback {address!r}")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempted
    assert not refused


class FakeDNS:
    """Answers for made-up names; every other name goes to the system resolver."""

    def __init__(self, real):
        self.real = real
        self.answers = {}
        self.lookups = []

    def __call__(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        if host not in self.answers:
            return self.real(host, port, *args, **kwargs)
        answers = self.answers[host]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, threading.Event):  # a name server that does not answer
            answer.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if isinstance(answer, Exception):
            raise answer
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))
            for ip in answer
        ]


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDNS(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


# A normal fetch


def test_fetches_a_page_through_an_allowed_network(server):
    url = server.url("/page")
    result = fetch(url, allowed_networks=LOOPBACK)
    assert result.status_code == 200
    assert result.body == PAGE
    assert result.content_type == "text/html"
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert (result.url, result.final_url, result.redirects) == (url, url, [])
    assert 0 < result.elapsed < 5
    [(_, headers)] = server.requests
    assert headers["User-Agent"] == DEFAULT_USER_AGENT
    assert headers["Host"] == f"127.0.0.1:{server.port}"


def test_allowed_networks_default_to_the_setting(server, settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = f"10.0.0.0/8, {LOOPBACK}"
    assert fetch(server.url("/page")).body == PAGE


def test_a_host_name_is_resolved_once_and_the_vetted_address_is_used(server, dns, connections):
    # A rebinding resolver: first a harmless answer, then an internal one.
    dns.answers["rebind.test"] = [["127.0.0.1"], ["10.0.0.1"]]
    result = fetch(server.url("/host", host="rebind.test"), allowed_networks=LOOPBACK)
    assert result.body == f"rebind.test:{server.port}".encode()
    assert dns.lookups.count("rebind.test") == 1
    assert connections == [("127.0.0.1", server.port)]


def test_the_next_vetted_address_is_tried_when_one_refuses(server, dns, connections):
    # Nothing listens on 127.0.0.2: the server is bound to 127.0.0.1 only.
    dns.answers["two.test"] = [["127.0.0.2", "127.0.0.1"]]
    result = fetch(server.url("/page", host="two.test"), allowed_networks=LOOPBACK)
    assert result.body == PAGE
    assert connections == [("127.0.0.2", server.port), ("127.0.0.1", server.port)]


def test_the_next_vetted_address_is_tried_when_one_does_not_answer(server, dns, connections):
    # 127.0.0.3 listens on the server's port but its accept queue is full: SYNs are dropped,
    # so connecting there times out instead of being refused.
    silent = socket.socket()
    silent.bind(("127.0.0.3", server.port))
    silent.listen(0)
    queued = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.3", server.port))
            queued.append(filler)
        dns.answers["slow.test"] = [["127.0.0.3", "127.0.0.1"]]
        result = fetch(
            server.url("/page", host="slow.test"),
            timeout=1,
            deadline=5,
            allowed_networks=LOOPBACK,
        )
    finally:
        for sock in (*queued, silent):
            sock.close()
    assert result.body == PAGE
    assert connections[-2:] == [("127.0.0.3", server.port), ("127.0.0.1", server.port)]


# Loopback without the escape hatch


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "127.1",
        "2130706433",
        "0x7f.1",
        "0177.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
    ],
)
def test_loopback_is_blocked_without_opening_a_connection(server, settings, connections, host):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ""
    with pytest.raises(FetchError) as error:
        fetch(server.url("/page", host=host))
    assert error.value.kind == "blocked"
    assert server.requests == []
    assert connections == []


# Redirects


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1:8080/admin",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://0xa9fea9fe/",
        "http://metadata.test/computeMetadata/v1/",
    ],
)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_a_blocked_address_is_never_followed(
    server, dns, connections, target, status
):
    dns.answers["metadata.test"] = [["169.254.169.254"]]
    with pytest.raises(FetchError) as error:
        fetch(
            server.url(f"/redirect?status={status}&to={quote(target, safe='')}"),
            allowed_networks=LOOPBACK,
        )
    assert error.value.kind == "blocked"
    assert connections == [("127.0.0.1", server.port)]
    assert len(server.requests) == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_public_host_is_reached_on_web_ports_only(dns, connections, method):
    # Port 25 answers HTTP with nothing a newsroom wants, and speaking to a mail server from
    # our address because of a typed URL is what the port rule stops, before any connection.
    dns.answers["mail.test"] = [["93.184.216.34"]]
    with pytest.raises(FetchError) as error:
        if method == "get":
            fetch("http://mail.test:25/")
        else:
            post("http://mail.test:25/", b"{}")
    assert (error.value.kind, str(error.value)) == ("blocked", "port 25 is not a web server's port")
    assert connections == []


def test_a_redirect_to_a_port_that_is_no_web_port_is_never_followed(server, dns, connections):
    dns.answers["mail.test"] = [["93.184.216.34"]]
    with pytest.raises(FetchError) as error:
        fetch(server.url("/redirect?to=http://mail.test:6379/"), allowed_networks=LOOPBACK)
    assert error.value.kind == "blocked" and "port 6379" in str(error.value)
    assert connections == [("127.0.0.1", server.port)]


def test_a_name_server_that_never_answers_costs_the_fetch_no_more_than_its_deadline(server, dns):
    silent = threading.Event()
    dns.answers["slow.test"] = [silent]
    try:
        with pytest.raises(FetchError) as error:
            fetch(
                server.url("/redirect?to=http://slow.test/"),
                deadline=0.5,
                allowed_networks=LOOPBACK,
            )
    finally:
        silent.set()
    # Not "dns": the lookup was given up on when the deadline came, not left to fail.
    assert error.value.kind == "timeout"
    assert "slow.test" in str(error.value)


def test_lookups_stuck_on_dead_name_servers_do_not_hold_back_the_others(dns):
    silent = threading.Event()
    for n in range(20):  # more than a checks worker runs at once
        dns.answers[f"dead{n}.test"] = [silent]
    dns.answers["healthy.test"] = [["93.184.216.34"]]
    try:
        for n in range(20):
            with pytest.raises(FetchError):
                lookup(f"dead{n}.test", 80, timeout=0.05)
        answer = lookup("healthy.test", 80, timeout=10)
    finally:
        silent.set()
    assert [info[4][0] for info in answer] == ["93.184.216.34"]


def test_a_lookup_that_fails_says_why(dns):
    dns.answers["gone.test"] = [socket.gaierror(socket.EAI_NONAME, "Name or service not known")]
    with pytest.raises(FetchError) as error:
        resolve_and_check("gone.test", 443, timeout=5)
    assert error.value.kind == "dns"
    assert "could not resolve gone.test" in str(error.value)


@pytest.mark.parametrize("port", [80, 443, 8080, 8443])
def test_web_ports_are_allowed_on_a_public_address(connections, port):
    assert resolve_and_check("93.184.216.34", port) == ["93.184.216.34"]
    assert connections == []


@pytest.mark.parametrize("address", ["10.0.0.5", "::ffff:10.0.0.5", "64:ff9b::a00:5"])
def test_allowed_networks_are_exempt_from_the_port_rule_in_every_form(address):
    # A DNS64 resolver answers 64:ff9b::a00:5 for 10.0.0.5: the same host, the same exemption.
    assert resolve_and_check(address, 9000, "10.0.0.0/8") == [address]


@pytest.mark.parametrize(
    "url, refused",
    [
        ("https://partner.example/hooks", None),
        ("https://partner.example:8443/hooks", None),
        ("https://partner.example:9443/hooks", 9443),
        ("http://127.0.0.2:9000/hooks", None),  # in the allowed networks set below
        ("http://127.0.0.3:9000/hooks", 9000),
    ],
)
def test_forms_learn_which_ports_the_fetcher_refuses(settings, url, refused):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.2/32"
    assert refused_port(url) == refused


def test_the_web_ports_come_from_the_setting(settings, connections):
    settings.SOURCE_FETCH_ALLOWED_PORTS = frozenset({443, 8000})
    assert resolve_and_check("93.184.216.34", 8000) == ["93.184.216.34"]
    with pytest.raises(FetchError):
        resolve_and_check("93.184.216.34", 80)
    assert connections == []


def test_a_refused_port_is_refused_before_any_lookup(dns, settings, connections):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ""
    dns.answers["mail.test"] = [["93.184.216.34"]]
    with pytest.raises(FetchError) as error:
        resolve_and_check("mail.test", 25)
    assert error.value.kind == "blocked"
    assert dns.lookups == [] and connections == []


def test_the_escape_hatch_is_no_wider_than_listed(server, settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.1/32"
    with pytest.raises(FetchError) as error:
        fetch(server.url(f"/redirect?to=http://127.0.0.2:{server.port}/page"))
    assert error.value.kind == "blocked"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://x/"])
def test_a_redirect_to_another_scheme_is_invalid(server, target):
    with pytest.raises(FetchError) as error:
        fetch(server.url(f"/redirect?to={quote(target)}"), allowed_networks=LOOPBACK)
    assert error.value.kind == "invalid_url"


@pytest.mark.parametrize(
    "location", ["https:www.example.org/page", "http://0177.0.0.1/", "http://exa mple.org/"]
)
def test_a_malformed_redirect_is_an_invalid_url_not_a_crash(server, connections, location):
    # httpx parses Location even when it follows no redirect; its errors are no connection
    # failure, to be retried, nor a crash of our own.
    with pytest.raises(FetchError) as error:
        fetch(server.url(f"/redirect?to={quote(location)}"), allowed_networks=LOOPBACK)
    assert error.value.kind == "invalid_url"
    assert len(server.requests) == 1 and len(connections) == 1


def test_redirects_are_followed_and_reported(server):
    result = fetch(server.url("/chain/3"), allowed_networks=LOOPBACK)
    assert result.body == b"end of the chain"
    assert result.redirects == [server.url(f"/chain/{n}") for n in (2, 1, 0)]
    assert result.final_url == server.url("/chain/0")


def test_max_redirects_is_the_last_redirect_followed(server):
    result = fetch(server.url("/chain/2"), max_redirects=2, allowed_networks=LOOPBACK)
    assert result.status_code == 200
    with pytest.raises(FetchError) as error:
        fetch(server.url("/chain/3"), max_redirects=2, allowed_networks=LOOPBACK)
    assert error.value.kind == "too_many_redirects"


def test_a_redirect_loop_gives_up(server):
    with pytest.raises(FetchError) as error:
        fetch(server.url("/loop"), max_redirects=5, allowed_networks=LOOPBACK)
    assert error.value.kind == "too_many_redirects"
    assert len(server.requests) == 6


# Size, compression and time


def test_a_body_at_the_cap_is_read_and_one_byte_more_is_refused(server):
    result = fetch(server.url("/bytes/1000"), max_bytes=1000, allowed_networks=LOOPBACK)
    assert len(result.body) == 1000
    for path in ("/bytes/1001", "/unsized/100000"):
        with pytest.raises(FetchError) as error:
            fetch(server.url(path), max_bytes=1000, allowed_networks=LOOPBACK)
        assert error.value.kind == "too_large"


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_compressed_pages_are_decoded(server, path):
    result = fetch(server.url(path), allowed_networks=LOOPBACK)
    assert result.body == PAGE
    assert server.requests[0][1]["Accept-Encoding"] == "gzip, deflate"


def test_a_gzip_bomb_stops_at_the_cap(server):
    assert len(gzip_bomb()) < 100_000
    with pytest.raises(FetchError) as error:
        fetch(server.url("/bomb"), max_bytes=1024 * 1024, allowed_networks=LOOPBACK)
    assert error.value.kind == "too_large"


def test_a_raw_deflate_bomb_stops_at_the_cap_too(server):
    with pytest.raises(FetchError) as error:
        fetch(server.url("/raw-deflate-bomb"), max_bytes=1024 * 1024, allowed_networks=LOOPBACK)
    assert error.value.kind == "too_large"


def test_a_body_that_is_no_deflate_at_all_is_still_a_corrupt_one(server):
    with pytest.raises(FetchError) as error:
        fetch(server.url("/corrupt-deflate"), allowed_networks=LOOPBACK)
    assert "corrupt compressed body" in str(error.value)


def test_a_slow_drip_body_hits_the_deadline(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(server.url("/drip"), timeout=5, deadline=1, allowed_networks=LOOPBACK)
    assert error.value.kind == "timeout"
    assert time.monotonic() - started < 2.5


def test_the_deadline_also_bounds_waiting_for_headers(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(server.url("/stall"), timeout=10, deadline=0.5, allowed_networks=LOOPBACK)
    assert error.value.kind == "timeout"
    assert time.monotonic() - started < 2


def test_the_deadline_also_bounds_headers_that_drip_in(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(server.url("/drip-headers"), timeout=1, deadline=1, allowed_networks=LOOPBACK)
    assert error.value.kind == "timeout"
    assert time.monotonic() - started < 3  # the server would go on for 10 s


# Other outcomes


def test_an_error_status_is_returned_not_raised(server):
    result = fetch(server.url("/missing"), allowed_networks=LOOPBACK)
    assert (result.status_code, result.body) == (404, b"<h1>Not found</h1>")
    with pytest.raises(FetchError) as error:
        result.raise_for_status()
    assert error.value.kind == "http_4xx"


def test_a_status_that_http_does_not_define_is_an_error_of_its_own(server):
    result = fetch(server.url("/status/999"), allowed_networks=LOOPBACK)
    assert result.status_code == 999
    with pytest.raises(FetchError) as error:
        result.raise_for_status()
    assert error.value.kind == "http_nonstandard" and "999" in str(error.value)


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_a_connect_error():
    with pytest.raises(FetchError) as error:
        fetch(f"http://127.0.0.1:{closed_port()}/", allowed_networks=LOOPBACK)
    assert error.value.kind == "connect"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.com/file",
        "javascript:alert(1)",
        "//example.com/",
        "not a url",
        "",
        "http://",
        "http://user:secret@127.0.0.1/",
        "http://example.com:99999/",
        "http://exa\nmple.com/",
        "http://[::1/",
    ],
)
def test_urls_we_do_not_fetch_are_invalid(connections, url):
    with pytest.raises(FetchError) as error:
        fetch(url, allowed_networks=LOOPBACK)
    assert error.value.kind == "invalid_url"
    assert "\n" not in str(error.value)
    assert connections == []


def test_proxies_from_the_environment_are_ignored(server, monkeypatch):
    # A proxy would resolve names itself; this one would also refuse every connection.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port()}")
    assert fetch(server.url("/page"), allowed_networks=LOOPBACK).body == PAGE


def test_a_name_that_does_not_resolve_is_a_dns_error(dns):
    dns.answers["nowhere.test"] = [socket.gaierror(socket.EAI_NONAME, "Name or service not known")]
    with pytest.raises(FetchError) as error:
        fetch("https://nowhere.test/")
    assert error.value.kind == "dns"


def test_fetch_errors_survive_pickling():
    # Celery carries task errors across processes this way.
    error = pickle.loads(pickle.dumps(FetchError("blocked", "no")))  # noqa: S301
    assert (error.kind, str(error)) == ("blocked", "no")


# The address policy, classified without connecting anywhere

BLOCKED = [
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",
    "169.254.169.254",
    "fd00:ec2::254",
    "fe80::1",
    "100.64.0.1",
    "224.0.0.1",
    "ff02::1",
    "0.0.0.0",  # noqa: S104 (classified, never bound)
    "::",
    "::1",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "2001:db8::1",
    "198.18.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::",
    "2002:a00:1::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::7f00:1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
]
PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:4700::1111",
    "::ffff:93.184.216.34",
    "64:ff9b::5db8:d822",
    "2002:5db8:d822::1",
]


@pytest.mark.parametrize("address", BLOCKED)
def test_non_public_addresses_are_blocked(connections, address):
    assert is_blocked_address(ipaddress.ip_address(address))
    with pytest.raises(FetchError) as error:
        resolve_and_check(address, 443)
    assert error.value.kind == "blocked"
    assert connections == []


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(connections, address):
    assert not is_blocked_address(ipaddress.ip_address(address))
    assert resolve_and_check(address, 443) == [address]
    assert connections == []


def test_allowed_networks_exempt_only_what_they_list():
    loopback = ipaddress.ip_address("127.0.0.1")
    assert not is_blocked_address(loopback, LOOPBACK)
    assert not is_blocked_address(loopback, [ipaddress.ip_network(LOOPBACK)])
    assert is_blocked_address(ipaddress.ip_address("10.0.0.1"), LOOPBACK)
    assert is_blocked_address(ipaddress.ip_address("169.254.169.254"), f"{LOOPBACK}, ")


def test_one_blocked_answer_blocks_the_name(dns):
    dns.answers["mixed.test"] = [["93.184.216.34", "10.0.0.1"]]
    with pytest.raises(FetchError) as error:
        resolve_and_check("mixed.test", 80)
    assert error.value.kind == "blocked"
    assert "10.0.0.1" not in str(error.value)


# TLS: the socket goes to the pinned IP, the certificate is checked for the typed name


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A throwaway CA and a certificate it signed for pinned.test."""
    assert shutil.which("openssl"), "the TLS tests need the openssl command (Debian: openssl)"
    directory = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (directory / "leaf.ext").write_text(
        "subjectAltName=DNS:pinned.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    for command in [
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]
        + ["-subj", "/CN=factcheck test CA", "-addext", "basicConstraints=critical,CA:TRUE"]
        + ["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", "-new", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=pinned.test"],
        ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial"]
        + ["1", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext"],
    ]:
        subprocess.run(["openssl", *command], cwd=directory, check=True, capture_output=True)
    return directory


@pytest.fixture
def tls_server(certificates):
    server = LocalServer(KeepAliveHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    context.sni_callback = lambda sock, name, context: server.sni_names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from serve(server)


@pytest.fixture
def trust_test_ca(monkeypatch, certificates):
    context = ssl.create_default_context(cafile=certificates / "ca.pem")
    monkeypatch.setattr(fetching, "_ssl_context", lambda: context)


def test_https_checks_the_certificate_for_the_typed_name(tls_server, dns, trust_test_ca):
    dns.answers["pinned.test"] = [["127.0.0.1"]]
    url = tls_server.url("/host", host="pinned.test", scheme="https")
    result = fetch(url, allowed_networks=LOOPBACK)
    assert result.body == f"pinned.test:{tls_server.port}".encode()
    assert tls_server.sni_names == ["pinned.test"]


@pytest.mark.parametrize("host", ["other.test", "127.0.0.1"])
def test_https_refuses_a_certificate_for_another_name(tls_server, dns, trust_test_ca, host):
    dns.answers["other.test"] = [["127.0.0.1"]]
    with pytest.raises(FetchError) as error:
        fetch(tls_server.url("/page", host=host, scheme="https"), allowed_networks=LOOPBACK)
    assert error.value.kind == "tls"
    assert tls_server.requests == []


def test_https_refuses_an_untrusted_certificate(tls_server, dns):
    dns.answers["pinned.test"] = [["127.0.0.1"]]
    with pytest.raises(FetchError) as error:
        fetch(
            tls_server.url("/page", host="pinned.test", scheme="https"), allowed_networks=LOOPBACK
        )
    assert error.value.kind == "tls"
    assert tls_server.requests == []


def test_a_tls_connection_is_not_reused_for_another_name(tls_server, dns, trust_test_ca):
    # Same address and port for both names; the certificate is valid for pinned.test only.
    dns.answers["pinned.test"] = [["127.0.0.1"]]
    dns.answers["other.test"] = [["127.0.0.1"]]
    target = quote(tls_server.url("/page", host="other.test", scheme="https"), safe="")
    with pytest.raises(FetchError) as error:
        fetch(
            tls_server.url(f"/redirect?to={target}", host="pinned.test", scheme="https"),
            allowed_networks=LOOPBACK,
        )
    assert error.value.kind == "tls"
    assert tls_server.sni_names == ["pinned.test", "other.test"]
