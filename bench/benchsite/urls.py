"""The product's URLs plus baselines: constant responses that cost Django and the server only.

``bench/constant/<size>`` answers ``size`` bytes of HTML; ``bench/not-modified`` a bare 304.
Both run through the same middleware and server as the pages they are compared with.
"""

from django.http import HttpResponse, HttpResponseNotModified
from django.urls import path

from factcheck.urls import urlpatterns as product_urlpatterns


def constant(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def not_modified(request):
    return HttpResponseNotModified()


urlpatterns = [
    path("bench/constant/<int:size>", constant),
    path("bench/not-modified", not_modified),
    *product_urlpatterns,
]
