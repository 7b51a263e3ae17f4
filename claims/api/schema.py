"""OpenAPI for access: the API key scheme, and 401 and 429 on every keyed operation."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_REF = {"$ref": "#/components/schemas/Error"}


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


def access_responses(result, generator, request, public):
    """Add the 401 (bad or revoked key) and 429 (rate limit) answers drf-spectacular
    cannot infer from the authentication and throttle classes."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not any("ApiKey" in scheme for scheme in operation.get("security", [])):
                continue
            responses = operation.setdefault("responses", {})
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
