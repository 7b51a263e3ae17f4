"""Request helpers shared by the rate limits and the admin's login protection."""

from django.conf import settings


def client_ip(request):
    """The client's address, from the header a trusted proxy sets (RATELIMIT_IP_META_KEY)."""
    return request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR")
