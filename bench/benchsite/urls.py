"""The product's URLs plus baselines: constant responses that cost Django and the server only.

``bench/constant/<size>`` answers ``size`` bytes of HTML; ``bench/not-modified`` a bare 304.
Both run through the same middleware and server as the pages they are compared with.

``bench/one-query/<size>/<pk>`` is the floor of a rendered page: one published verdict read
through the ORM (with its claim) and a three-line template, padded to ``size`` bytes. Whatever a
real page renders on top of that, it cannot be cheaper.

``api/v1/bench/constant/<size>`` answers ``size`` bytes of JSON and ``api/v1/bench/not-modified``
a bare 304, for bench/api.py: under ``/api/v1/`` so that the middleware that only acts there
(CORS) runs for them too, as it does for the API.
"""

from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from claims.publishing.verdicts import published_reviews
from factcheck.urls import urlpatterns as product_urlpatterns

ONE_QUERY_TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="fr"><title>{{ review.claim.text }}</title>'
    "<h1>{{ review.claim.text }}</h1><p>{{ review.conclusion }}</p>"
)


def constant(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def constant_json(request, size):
    # A JSON string of exactly ``size`` bytes (size ≥ 2): quotes around filler.
    return HttpResponse(b'"' + b"x" * (size - 2) + b'"', content_type="application/json")


def one_query_page(request, size, pk):
    review = get_object_or_404(published_reviews().select_related("claim"), pk=pk)
    body = ONE_QUERY_TEMPLATE.render({"review": review}, request).encode()
    return HttpResponse(body.ljust(size, b" "), content_type="text/html; charset=utf-8")


def not_modified(request):
    return HttpResponseNotModified()


urlpatterns = [
    path("bench/constant/<int:size>", constant),
    path("bench/not-modified", not_modified),
    path("bench/one-query/<int:size>/<int:pk>", one_query_page),
    # Before the product's URLs: the API's catch-all would answer them 404.
    path("api/v1/bench/constant/<int:size>", constant_json),
    path("api/v1/bench/not-modified", not_modified),
    *product_urlpatterns,
]
