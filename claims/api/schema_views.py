"""The API's OpenAPI schema and its Swagger UI page."""

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ..publishing.freshness import release
from .views import PublicAccess


class JSONErrors:
    """Errors as the API's JSON (errors.exception_handler), also from views rendering other
    media types: the HTML renderer has no template for DRF's error data."""

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@lru_cache(maxsize=16)  # bounded: ?version= is free text, and part of the schema
def openapi_schema(release, language, version):
    """The schema as drf-spectacular generates it, once per release, language and version."""
    with translation.override(language):
        return SchemaGenerator(api_version=version).get_schema(request=None, public=True)


class Schema(PublicAccess, JSONErrors, SpectacularAPIView):
    """The OpenAPI schema, throttled as the API: generating it cost about 80 ms of CPU, so it
    is generated once per release (the code it describes) and kept."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        try:  # ?lang=xx is served in the default language, as Django's catalogues fall back
            language = get_supported_language_variant(translation.get_language())
        except LookupError:
            language = settings.LANGUAGE_CODE
        filename = self._get_filename(request, version)
        return Response(
            openapi_schema(release(), language, version),
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )


class Docs(PublicAccess, JSONErrors, SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files; its init script is a separate file."""

    template_name = "api/docs.html"
    url_name = "api:schema"
    # A page to read: OPTIONS rendered DRF's metadata through the HTML renderer (a 500).
    http_method_names = ["get", "head"]
