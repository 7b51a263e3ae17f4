"""Public pages for readers, under a language prefix (/fr/, /en/)."""

from django.urls import path

from . import converters  # noqa: F401  (registers <id:…>)
from .feeds import LatestVerdictsFeed, SpeakerVerdictsFeed
from .views import pages, speakers, submissions, verdicts
from .views.common import public_page

app_name = "public"

urlpatterns = [
    path("", verdicts.verdict_list, name="verdict-list"),
    path("verdicts/<id:pk>/", verdicts.verdict_redirect, name="verdict-short"),
    path("verdicts/<id:pk>/<slug:slug>/", verdicts.verdict_detail, name="verdict"),
    path(
        "verdicts/<id:pk>/sources/<id:source_id>/archive.txt",
        verdicts.source_archive,
        name="source-archive",
    ),
    path("speakers/<id:pk>/", speakers.speaker_redirect, name="speaker-short"),
    path("speakers/<id:pk>/<slug:slug>/", speakers.speaker_detail, name="speaker"),
    path("feed/speakers/<id:pk>/", public_page(SpeakerVerdictsFeed()), name="speaker-feed"),
    path("feed/", public_page(LatestVerdictsFeed()), name="feed"),
    path("methodology/", pages.methodology, name="methodology"),
    path("submit/", submissions.submit, name="submit"),
    path("submit/thanks/", submissions.submit_thanks, name="submit-thanks"),
]
