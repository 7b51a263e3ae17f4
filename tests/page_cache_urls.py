"""Test-only public pages that must never be kept by the page cache (tests/test_page_cache.py):
each depends on the reader, as a CSRF token, a session or a cookie does."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.cache import patch_vary_headers

from claims.views.common import public_page
from factcheck.urls import urlpatterns as product_urlpatterns


@public_page
def personal(request, kind):
    if kind == "csrf":
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')
    if kind == "session":
        return HttpResponse(f"visits: {request.session.get('visits', 0)}")
    response = HttpResponse("depends on a request header")
    if kind == "cookie":
        response.set_cookie("seen", "1")
    else:
        patch_vary_headers(response, ["Accept-Language"])
    return response


urlpatterns = [
    *i18n_patterns(path("personal/<str:kind>/", personal), prefix_default_language=True),
    *product_urlpatterns,
]
