"""The product's URLs plus baselines: constant responses that cost Django and the server only.

``bench/constant/<size>`` answers ``size`` bytes of HTML; ``bench/not-modified`` a bare 304.
Both run through the same middleware and server as the pages they are compared with.

``api/v1/bench/constant/<size>`` answers ``size`` bytes of JSON and ``api/v1/bench/not-modified``
a bare 304, for bench/api.py: under ``/api/v1/`` so that the middleware that only acts there
(CORS) runs for them too, as it does for the API.
"""

from django.http import HttpResponse, HttpResponseNotModified
from django.urls import path

from factcheck.urls import urlpatterns as product_urlpatterns


def constant(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def constant_json(request, size):
    # A JSON string of exactly ``size`` bytes (size ≥ 2): quotes around filler.
    return HttpResponse(b'"' + b"x" * (size - 2) + b'"', content_type="application/json")


def not_modified(request):
    return HttpResponseNotModified()


urlpatterns = [
    path("bench/constant/<int:size>", constant),
    path("bench/not-modified", not_modified),
    # Before the product's URLs: the API's catch-all would answer them 404.
    path("api/v1/bench/constant/<int:size>", constant_json),
    path("api/v1/bench/not-modified", not_modified),
    *product_urlpatterns,
]
