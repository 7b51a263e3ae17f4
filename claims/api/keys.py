"""Partner API keys: ``<prefix>.<secret>``, shown once, stored as a SHA-256 (docs/api.md).

Keys are random (256 bits), so a fast hash is enough: there is nothing to brute-force.

Each web process remembers the live keys it has looked up, under the public version stamp
(publishing.freshness), which every change to a key moves (``revoke_keys``, and the signal on
saves): looking a key up was a query per request, two thirds of a keyed 304's cost. A key
revoked through another process is thus refused within ``PUBLIC_VERSION_MEMO_SECONDS``.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from ..models import ApiKey
from ..publishing.freshness import public_version, touch_public_pages

SCHEME = "Api-Key"
# last_used_at is a hint for staff, not an audit log: one write a minute per key at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


# What new_key makes: token_hex(6), a dot, token_urlsafe(32).
KEY_FORMAT = re.compile(r"[0-9a-f]{12}\.[A-Za-z0-9_-]{43}")


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


class KnownKeys:
    """Live keys this process has looked up, by hash, for one version stamp at a time."""

    def __init__(self):
        self._keys = {}
        self._stamp = None

    def get(self, stamp, hashed):
        if stamp is None or stamp != self._stamp:
            return None
        return self._keys.get(hashed)

    def put(self, stamp, hashed, api_key):
        if stamp is None:
            return
        if stamp != self._stamp:
            # Replaced, not cleared: a thread reading the old dict is not disturbed.
            self._keys, self._stamp = {}, stamp
        self._keys[hashed] = api_key

    def clear(self):
        self._keys, self._stamp = {}, None


known_keys = KnownKeys()


def find_key(key):
    """The live ``ApiKey`` for a full key, else ``InvalidKey`` or ``RevokedKey``."""
    # Anything else is no key of ours, and may hold what PostgreSQL refuses (a NUL byte: a
    # DataError, a 500) or be megabytes long: refused before any lookup.
    if not KEY_FORMAT.fullmatch(key):
        raise InvalidKey()
    hashed = hash_key(key)
    stamp = public_version(memo=True).stamp
    api_key = known_keys.get(stamp, hashed)
    if api_key is not None:
        return api_key
    api_key = ApiKey.objects.filter(prefix=key.partition(".")[0]).first()
    if api_key is None or not hmac.compare_digest(api_key.hashed_key, hashed):
        raise InvalidKey()
    if api_key.revoked_at is not None:
        raise RevokedKey()
    known_keys.put(stamp, hashed, api_key)
    return api_key


def revoke_keys(api_keys):
    """Revoke these keys (a queryset) at once; every process forgets them. Returns how many."""
    count = api_keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    touch_public_pages()
    return count


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
