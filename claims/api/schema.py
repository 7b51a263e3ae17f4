"""OpenAPI for access: the API key scheme, 401 and 429 on every keyed operation, and the 404
and 406 of DRF's content negotiation."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.negotiation import DefaultContentNegotiation

ERROR_REF = {"$ref": "#/components/schemas/Error"}
UNKNOWN_FORMAT = "an unknown `?format=` (`not_found`)."


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "claims.api.keys.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Optional: `Authorization: Api-Key <key>` for a higher rate limit. "
            "Without it, requests are limited per client address.",
        }


def _shape(path):
    # The generator's endpoints name path parameters as the URL does ({pk}), the schema as
    # PATH_CONVERTER_OVERRIDES does ({id}).
    return re.sub(r"\{[^}]*\}", "{}", path)


def _negotiating(generator):
    """Shapes of the paths whose view negotiates as DRF does (``?format=``, ``Accept``)."""
    return {
        (_shape(path), method.lower())
        for path, _regex, method, callback in getattr(generator, "endpoints", None) or []
        if issubclass(callback.cls.content_negotiation_class, DefaultContentNegotiation)
    }


def access_responses(result, generator, request, public):
    """Add the 401 (bad or revoked key) and 429 (rate limit) answers drf-spectacular
    cannot infer from the authentication and throttle classes, and, where the view negotiates
    as DRF does, the 404 of an unknown ``?format=`` and the 406 of an ``Accept`` without
    JSON. (The JSON-LD views serve JSON-LD whatever is asked: neither.)"""
    negotiating = _negotiating(generator)
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if not any("ApiKey" in scheme for scheme in operation.get("security", [])):
                continue
            responses = operation.setdefault("responses", {})
            if (_shape(path), method) in negotiating:
                _negotiation_responses(responses)
            responses.setdefault(
                "401",
                {
                    "description": "The API key is invalid or revoked (`invalid_api_key`, "
                    "`revoked_api_key`); send none to read anonymously.",
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
            responses.setdefault(
                "429",
                {
                    "description": "Over the per-minute limit (`throttled`); retry after "
                    "`Retry-After` seconds.",
                    "headers": {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds until the limit resets.",
                        }
                    },
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
    return result


def _negotiation_responses(responses):
    error = {"content": {"application/json": {"schema": ERROR_REF}}}
    if "404" in responses:
        responses["404"]["description"] += f" Also for {UNKNOWN_FORMAT}"
    else:
        responses["404"] = {"description": f"For {UNKNOWN_FORMAT}", **error}
    responses["406"] = {
        "description": "The `Accept` header takes no JSON (`not_acceptable`).",
        **error,
    }
