"""Keyset paging: each page ends with an opaque cursor to the next, stable under inserts.

``SyncPagination`` walks the review feed on (synced_at, id) and always hands back a cursor,
even on the last page, to poll later; ``IdPagination`` walks other lists by id.
"""

import base64
import binascii

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .feed import InvalidCursor, decode_cursor, encode_cursor, sync_page


def page_size(request):
    raw = request.query_params.get("page_size")
    if raw is None:
        return settings.API_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= settings.API_MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": [f"A whole number from 1 to {settings.API_MAX_PAGE_SIZE}."]}
        )
    return size


def _size_parameter():
    return {
        "name": "page_size",
        "required": False,
        "in": "query",
        "description": f"Items per page, 1 to {settings.API_MAX_PAGE_SIZE} "
        f"(default {settings.API_PAGE_SIZE}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
    }


def _cursor_parameter(description):
    return {
        "name": "cursor",
        "required": False,
        "in": "query",
        "description": description,
        "schema": {"type": "string"},
    }


class SyncPagination(BasePagination):
    """The review feed's pages, oldest change first."""

    def paginate(self, live, request, since=None, before=None):
        """One :class:`~claims.api.feed.SyncPage` of ``live`` reviews and tombstones."""
        self.request = request
        token = request.query_params.get("cursor")
        after = None
        if token:
            try:
                after = decode_cursor(token)
            except InvalidCursor:
                raise ValidationError({"cursor": ["Not a cursor this API gave out."]}) from None
        self.page = sync_page(live, page_size(request), after=after, since=since, before=before)
        return self.page

    def next_link(self):
        url = self.request.build_absolute_uri()
        if self.page.cursor is None:
            return url  # nothing served yet: ask the same again later
        return replace_query_param(url, "cursor", encode_cursor(*self.page.cursor))

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "has_more": self.page.has_more, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "has_more", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "description": "Where to continue; on the last page, the URL to poll later.",
                },
                "has_more": {
                    "type": "boolean",
                    "description": "False once you have caught up: keep `next` for the next sync.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            _cursor_parameter("Opaque position in the feed, from a previous page's `next`."),
            _size_parameter(),
        ]


class IdPagination(BasePagination):
    """Lists in id order; ``next`` is null on the last page."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        token = request.query_params.get("cursor")
        if token:
            try:
                after = int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
            except (ValueError, binascii.Error, UnicodeDecodeError):
                raise ValidationError({"cursor": ["Not a cursor this API gave out."]}) from None
            queryset = queryset.filter(pk__gt=after)
        size = page_size(request)
        rows = list(queryset.order_by("pk")[: size + 1])
        self.has_more = len(rows) > size
        self.items = rows[:size]
        return self.items

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        if self.has_more:
            token = base64.urlsafe_b64encode(str(self.items[-1].pk).encode()).decode().rstrip("=")
            next_url = replace_query_param(url, "cursor", token)
        else:
            next_url = None
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            _cursor_parameter("Opaque position, from a previous page's `next`."),
            _size_parameter(),
        ]
