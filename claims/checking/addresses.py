"""Which addresses and ports a fetch of a URL that a user typed may reach (SSRF): a host is
resolved once, and every address it resolves to is vetted before anything connects to it."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings

from .fetch_errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
WEB_PORTS = (80, 443)

# `is_global` is the base policy; these are listed too, so it doesn't hinge on which Python
# release fixed which corner of the `ipaddress` tables. Line by line: "this network", RFC 1918,
# CGNAT, loopback; link-local (cloud metadata), IETF, documentation; 6to4 relays, benchmarks,
# multicast, reserved and broadcast; IPv6 unspecified, loopback and IPv4-compatible, SIIT, local
# NAT64, discard, Teredo (the tunnel ends anywhere); documentation, unique local (AWS metadata
# at fd00:ec2::254), link-local, site-local, multicast.
_BLOCKED_CIDRS = """
    0.0.0.0/8 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10 127.0.0.0/8
    169.254.0.0/16 192.0.0.0/24 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24
    192.88.99.0/24 198.18.0.0/15 224.0.0.0/4 240.0.0.0/4
    ::/96 ::ffff:0:0:0/96 64:ff9b:1::/48 100::/64 2001::/32
    2001:db8::/32 3fff::/20 fc00::/7 fe80::/10 fec0::/10 ff00::/8
"""
_BLOCKED_NETWORKS = tuple(ipaddress.ip_network(cidr) for cidr in _BLOCKED_CIDRS.split())
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_blocked_address(ip: IPAddress, allowed_networks: Iterable | str = ()) -> bool:
    """Whether connecting to ``ip`` could reach something other than the public internet."""
    networks = parse_networks(allowed_networks)
    if _exempt(ip, networks):
        return False
    if ip.version == 6 and (embedded := _embedded_ipv4(ip)) is not None:
        # The packets end up at the IPv4 address, so that is the one to judge.
        return is_blocked_address(embedded, networks)
    return not ip.is_global or any(ip in network for network in _BLOCKED_NETWORKS)


def _exempt(ip: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    """Whether ``ip``, or the IPv4 address it carries (NAT64, mapped…), is in ``networks``."""
    embedded = _embedded_ipv4(ip) if ip.version == 6 else None
    return any(ip in network or (embedded and embedded in network) for network in networks)


def refused_port(url: str) -> int | None:
    """The port of ``url`` if the fetcher will refuse it, else None; for forms, which resolve
    no names: a name is judged as a public host, an address as what it is."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None  # not a URL: its validator says so
    if port is None or port in settings.SOURCE_FETCH_ALLOWED_PORTS:
        return None
    try:
        ip = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        ip = None
    if ip is not None and _exempt(ip, parse_networks(settings.SOURCE_FETCH_ALLOWED_NETWORKS)):
        return None
    return port


def lookup(host: str, port: int, timeout: float | None = None):
    """The system resolver's addresses for ``host``, given up after ``timeout`` seconds: a name
    server that never answers would otherwise hold the fetch past its deadline (the resolver's
    own retries can take half a minute, and each redirect looks up again)."""
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    outcome = {}

    def resolve():
        try:
            outcome["answer"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as exc:  # for the fetch waiting on it
            outcome["error"] = exc

    # A thread of its own, not one of a pool: a lookup the resolver cannot be made to drop
    # keeps its thread until it answers, and lookups left on dead name servers would hold a
    # pool's threads while every other fetch's lookup queued behind them.
    thread = threading.Thread(target=resolve, name="fetch-dns", daemon=True)
    thread.start()
    thread.join(max(timeout, 0))
    if thread.is_alive():
        raise FetchError("timeout", f"looking up {host} took longer than the fetch's deadline")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["answer"]


def resolve_and_check(
    host: str,
    port: int,
    allowed_networks: Iterable | str = (),
    allowed_ports: Iterable[int] | None = None,
    timeout: float | None = None,
) -> list[str]:
    """Resolve ``host`` once and return its addresses, or raise if any of them is blocked, or
    is public and ``port`` is not a web port (``allowed_ports``, by default the setting).
    ``timeout`` bounds the lookup."""
    networks = parse_networks(allowed_networks)
    if allowed_ports is None:
        allowed_ports = getattr(settings, "SOURCE_FETCH_ALLOWED_PORTS", WEB_PORTS)
    if port not in allowed_ports and not networks and not _is_literal(host):
        # No address it resolves to could be exempt: refused before the lookup leaves the
        # machine. (A literal is looked up nowhere, and judged below as what it is.)
        raise FetchError("blocked", f"port {port} is not a web server's port")
    try:
        # The system resolver also reads 2130706433, 0x7f.1 and 0177.0.0.1 the way a
        # connect() would, so legacy numeric forms get no special treatment here.
        infos = lookup(host, port, timeout)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise FetchError("dns", f"could not resolve {host}: {reason}") from exc
    ips = list(dict.fromkeys(info[4][0] for info in infos))
    if not ips:
        raise FetchError("dns", f"{host} has no IPv4 or IPv6 address")
    for ip in ips:
        try:
            blocked = is_blocked_address(ipaddress.ip_address(ip), networks)
        except ValueError:
            blocked = True
        if blocked:
            # The address stays out of the message: it would map internal names for the user.
            raise FetchError("blocked", f"{host} points to a private or reserved address")
        if port not in allowed_ports and not _exempt(ipaddress.ip_address(ip), networks):
            raise FetchError("blocked", f"port {port} is not a web server's port")
    return ips


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_networks(value: Iterable | str) -> tuple[IPNetwork, ...]:
    """Parse "10.0.0.0/8, ::1/128" or an iterable of CIDRs / network objects."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) if isinstance(item, str) else item
        for item in items
        if not isinstance(item, str) or item.strip()
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour
