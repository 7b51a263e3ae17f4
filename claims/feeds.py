"""Atom feeds of published verdicts: all of them, and one per speaker."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Speaker
from .publishing.verdicts import listed_reviews, published_reviews

FEED_SIZE = 50


class LatestVerdictsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("%(organisation)s — latest verdicts") % {
            "organisation": settings.ORGANISATION_NAME
        }

    def subtitle(self):
        return _("Claims checked by %(organisation)s, newest first.") % {
            "organisation": settings.ORGANISATION_NAME
        }

    def link(self):
        return reverse("public:verdict-list")

    def feed_url(self):
        return reverse("public:feed")

    def author_name(self):
        return settings.ORGANISATION_NAME

    def reviews(self):
        return listed_reviews()

    def items(self):
        return self.reviews().order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, review):
        return f"{review.rating.label(get_language())} — {review.claim.text}"

    def item_description(self, review):
        speaker = review.claim.speaker
        said = _("Said by %(speaker)s. ") % {"speaker": speaker.name} if speaker else ""
        return said + review.conclusion

    def item_pubdate(self, review):
        return review.published_at

    def item_updateddate(self, review):
        return review.updated_at

    def item_author_name(self, review):
        return settings.ORGANISATION_NAME

    def item_categories(self, review):
        return [review.rating.label(get_language())]


class SpeakerVerdictsFeed(LatestVerdictsFeed):
    def get_object(self, request, pk):
        speaker = get_object_or_404(Speaker, pk=pk)
        if not published_reviews().filter(claim__speaker=speaker).exists():
            raise Http404("no published verdict for this speaker")
        return speaker

    def title(self, speaker):
        return _("%(organisation)s — verdicts on %(speaker)s") % {
            "organisation": settings.ORGANISATION_NAME,
            "speaker": speaker.name,
        }

    def subtitle(self, speaker):
        return _("Claims by %(speaker)s checked by %(organisation)s, newest first.") % {
            "organisation": settings.ORGANISATION_NAME,
            "speaker": speaker.name,
        }

    def link(self, speaker):
        return speaker.get_absolute_url()

    def feed_url(self, speaker):
        return reverse("public:speaker-feed", kwargs={"pk": speaker.pk})

    def items(self, speaker):
        return (
            self.reviews()
            .filter(claim__speaker=speaker)
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )
