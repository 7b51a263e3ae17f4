"""Every API error as one JSON shape: ``{"error": {"code", "message", "details"}}``."""

from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(code, message, details=None):
    return {"error": {"code": code, "message": message, "details": details or {}}}


def exception_handler(exc, context):
    """DRF's handler (status, headers such as Allow and Retry-After), our body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "Some query parameters are invalid.", detail)
    elif isinstance(exc, exceptions.Throttled):
        response.data = error_body("throttled", str(exc.detail), {"wait": exc.wait})
    else:
        response.data = error_body(exc.default_code, str(exc.detail))
    response.content_type = "application/json"  # also from the views that render JSON-LD
    return response


def not_found(request, *args, **kwargs):
    """Addresses under /api/v1/ that name no resource: JSON like the API's other errors."""
    return JsonResponse(error_body("not_found", "No such resource; see /api/v1/docs/."), status=404)
