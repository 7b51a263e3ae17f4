"""The product's URLs plus baselines: constant responses that cost Django and the server only.

``bench/constant/<size>`` answers ``size`` bytes of HTML; ``bench/not-modified`` a bare 304.
Both run through the same middleware and server as the pages they are compared with.

Three floors of a page rendered from the database, each one published verdict's claim and
conclusion, padded to ``size`` bytes:

- ``bench/one-query/<size>/<pk>``: the verdict and its claim read whole through the ORM, as a
  page that shows them reads them, and a three-line template;
- ``bench/two-columns/<size>/<pk>``: the ORM reading only those two columns (``values()``), and
  the same template;
- ``bench/raw-sql/<size>/<pk>``: one hand-written SQL query and two escaped strings joined in
  Python, with neither the ORM nor the template engine.

Whatever a real page renders on top of them, it cannot be cheaper.

``api/v1/bench/constant/<size>`` answers ``size`` bytes of JSON and ``api/v1/bench/not-modified``
a bare 304, for bench/api.py: under ``/api/v1/`` so that the middleware that only acts there
(CORS) runs for them too, as it does for the API.
"""

from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path
from django.utils.html import escape

from claims.models import Review
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


def two_columns_page(request, size, pk):
    row = get_object_or_404(published_reviews().values("conclusion", "claim__text"), pk=pk)
    review = {"conclusion": row["conclusion"], "claim": {"text": row["claim__text"]}}
    body = ONE_QUERY_TEMPLATE.render({"review": review}, request).encode()
    return HttpResponse(body.ljust(size, b" "), content_type="text/html; charset=utf-8")


RAW_SQL = (
    "SELECT c.text, r.conclusion FROM claims_review r JOIN claims_claim c ON c.id = r.claim_id"
    " WHERE r.id = %s AND r.state = %s"
)


def raw_sql_page(request, size, pk):
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [pk, Review.State.PUBLISHED])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    text, conclusion = escape(row[0]), escape(row[1])
    body = (
        f'<!doctype html><html lang="fr"><title>{text}</title><h1>{text}</h1><p>{conclusion}</p>'
    ).encode()
    return HttpResponse(body.ljust(size, b" "), content_type="text/html; charset=utf-8")


def not_modified(request):
    return HttpResponseNotModified()


urlpatterns = [
    path("bench/constant/<int:size>", constant),
    path("bench/not-modified", not_modified),
    path("bench/one-query/<int:size>/<int:pk>", one_query_page),
    path("bench/two-columns/<int:size>/<int:pk>", two_columns_page),
    path("bench/raw-sql/<int:size>/<int:pk>", raw_sql_page),
    # Before the product's URLs: the API's catch-all would answer them 404.
    path("api/v1/bench/constant/<int:size>", constant_json),
    path("api/v1/bench/not-modified", not_modified),
    *product_urlpatterns,
]
