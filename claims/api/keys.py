"""Partner API keys: ``<prefix>.<secret>``, shown once, stored as a SHA-256 (docs/api.md).

Keys are random (256 bits), so a fast hash is enough: there is nothing to brute-force.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from ..models import ApiKey

SCHEME = "Api-Key"
# last_used_at is a hint for staff, not an audit log: one write a minute per key at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(api_key):
    """Give an unsaved ``ApiKey`` its prefix and hash; return the full key (shown once)."""
    api_key.prefix = secrets.token_hex(6)
    key = f"{api_key.prefix}.{secrets.token_urlsafe(32)}"
    api_key.hashed_key = hash_key(key)
    return key


class InvalidKey(exceptions.AuthenticationFailed):
    default_code = "invalid_api_key"
    default_detail = _("This API key is not valid. Send it as “Authorization: Api-Key <key>”.")


class RevokedKey(exceptions.AuthenticationFailed):
    default_code = "revoked_api_key"
    default_detail = _("This API key has been revoked.")


def find_key(key):
    """The live ``ApiKey`` for a full key, else ``InvalidKey`` or ``RevokedKey``."""
    prefix, dot, _secret = key.partition(".")
    api_key = ApiKey.objects.filter(prefix=prefix).first() if dot and prefix else None
    if api_key is None or not hmac.compare_digest(api_key.hashed_key, hash_key(key)):
        raise InvalidKey()
    if api_key.revoked_at is not None:
        raise RevokedKey()
    return api_key


def touch(api_key, now=None):
    """Record use, with at most one UPDATE a minute per key (racing requests are no-ops)."""
    now = now or timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is None or api_key.last_used_at < stale:
        ApiKey.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=api_key.pk
        ).update(last_used_at=now)
        api_key.last_used_at = now


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``; no header is anonymous, any other header is refused."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _space, key = header.strip().partition(" ")
        # A wrong scheme must not quietly fall back to the anonymous limit.
        if scheme.lower() != SCHEME.lower() or not key.strip():
            raise InvalidKey()
        api_key = find_key(key.strip())
        touch(api_key)
        return (AnonymousUser(), api_key)

    def authenticate_header(self, request):
        return SCHEME
