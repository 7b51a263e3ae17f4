"""/api/v1/: the partner API, its OpenAPI schema and its documentation page."""

from django.urls import path, re_path

from .. import converters  # noqa: F401  (registers <id:…>)
from . import schema_views, views
from .caching import by_content, conditional
from .errors import not_found

app_name = "api"

urlpatterns = [
    path("reviews/", conditional(views.ReviewList.as_view()), name="review-list"),
    path("reviews/<id:pk>/", conditional(views.ReviewDetail.as_view()), name="review-detail"),
    path(
        "reviews/<id:pk>/claimreview",
        conditional(views.ClaimReviewDetail.as_view()),
        name="review-claimreview",
    ),
    path("datafeed", conditional(views.DataFeed.as_view()), name="datafeed"),
    path("claims/", conditional(views.ClaimList.as_view()), name="claim-list"),
    path("claims/<id:pk>/", conditional(views.ClaimDetail.as_view()), name="claim-detail"),
    path("speakers/", conditional(views.SpeakerList.as_view()), name="speaker-list"),
    path("speakers/<id:pk>/", conditional(views.SpeakerDetail.as_view()), name="speaker-detail"),
    path("ratings/", conditional(views.RatingList.as_view()), name="rating-list"),
    path("ratings/<id:pk>/", conditional(views.RatingDetail.as_view()), name="rating-detail"),
    path("schema/", by_content(schema_views.Schema.as_view()), name="schema"),
    path("docs/", by_content(schema_views.Docs.as_view()), name="docs"),
    re_path(r"^", not_found),
]
