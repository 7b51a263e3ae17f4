"""Request helpers shared by the rate limits and the admin's login protection."""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def client_ip(request):
    """The client's address, from the header a trusted proxy sets (RATELIMIT_IP_META_KEY), else
    the connection's. An X-Forwarded-For style list gives its last entry, the one the proxy
    appended, without a port; a header missing or not an address falls back to the
    connection's address."""
    meta = request.META
    header = meta.get(settings.RATELIMIT_IP_META_KEY)
    if header:
        entries = [entry.strip() for entry in header.split(",") if entry.strip()]
        if entries and (address := _address(entries[-1])):
            return address
        logger.warning("no client address in %s: %r", settings.RATELIMIT_IP_META_KEY, header)
    return meta.get("REMOTE_ADDR")  # None without one: axes records no address


def _address(value):
    """``value`` as an address, with a port or IPv6 brackets taken off (1.2.3.4:80, [::1]:443)."""
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def rate_limit_key(request):
    """Who a rate limit counts: ``client_ip``, an IPv6 client by its /64, which one client
    holds whole (an IPv4-mapped address as the IPv4 one)."""
    value = client_ip(request) or "unknown"
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return value
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
