"""Atom feeds of published verdicts: all of them, and one per speaker."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Speaker
from .publishing.claimreview import public_origin
from .publishing.verdicts import listed_reviews, published_reviews
from .views.common import path_maker, short_path_maker

FEED_SIZE = 50

# Characters XML 1.0 forbids, which text pasted into the admin can bring (a form feed from a
# word processor): one of them made the whole feed a 500.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text):
    """``text`` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


class LatestVerdictsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_feed(self, obj, request):
        """What ``Feed.get_feed`` builds, with the entries made here: for each of the fifty,
        Django looks up some fifteen ``item_*`` attributes and inspects each one's signature
        (to know whether to pass the item), and reverses its URL; that was a third of the
        feed's time. The output is the same (tests/test_feeds.py)."""
        # Absolute links on the public site, as the pages' canonical links are.
        origin = public_origin(request)

        def feed_attr(name):
            method = getattr(self, name)
            return method() if obj is None else method(obj)

        feed = self.feed_type(
            title=xml_text(feed_attr("title")),
            subtitle=xml_text(feed_attr("subtitle")),
            link=origin + feed_attr("link"),
            description=None,
            language=self.language or get_language(),
            feed_url=origin + (feed_attr("feed_url") or request.path),
            author_name=self.author_name(),
            author_link=None,
            author_email=None,
            categories=None,
            feed_copyright=None,
            feed_guid=origin + feed_attr("feed_guid"),
            ttl=None,
            stylesheets=None,
            **self.feed_extra_kwargs(obj),
        )
        verdict_path = path_maker("public:verdict")
        # An entry's id must never change: its short link, which no edit of the claim (and so
        # of the slug) moves. A feed reader shown a new id shows the verdict again, as new.
        entry_path = short_path_maker("public:verdict-short")
        for review in self.items() if obj is None else self.items(obj):
            link = origin + verdict_path(review.pk, review.slug)
            feed.add_item(
                title=xml_text(self.item_title(review)),
                link=link,
                description=xml_text(self.item_description(review)),
                unique_id=origin + entry_path(review.pk),
                unique_id_is_permalink=None,
                enclosures=[],
                pubdate=self.item_pubdate(review),
                updateddate=self.item_updateddate(review),
                author_name=self.item_author_name(review),
                author_email=None,
                author_link=None,
                comments=None,
                categories=[xml_text(c) for c in self.item_categories(review)],
                item_copyright=None,
                **self.item_extra_kwargs(review),
            )
        return feed

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

    def feed_guid(self):
        return self.link()

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
        # Atom's summary is declared type="html": plain text must be escaped to stay text.
        return escape(said + review.conclusion)

    def item_pubdate(self, review):
        return review.published_at

    def item_updateddate(self, review):
        # What partners sync on: it also moves when a source, the speaker, the rating or an
        # appearance of the verdict changes, not only the verdict's own row.
        return review.synced_at

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

    def feed_guid(self, speaker):
        # The speaker's short link: renaming them moves their page's slug, not the feed's id.
        return reverse("public:speaker-short", kwargs={"pk": speaker.pk})

    def items(self, speaker):
        return (
            self.reviews()
            .filter(claim__speaker=speaker)
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )
