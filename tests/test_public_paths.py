"""Links and dates that lists compute once per list (claims/views/common.py) equal what the
models and Django's date filter give for each item."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from claims.publishing.verdicts import listed_reviews
from claims.views.common import list_items, path_maker

from .factories import ClaimFactory, SpeakerFactory, published_verdict

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
def test_list_links_and_dates_are_those_of_the_models_and_the_date_filter(language):
    speaker = SpeakerFactory(name="Élisabeth Borne-d'Aubigné")
    texts = ["« Le chômage a baissé de 3 % » — vraiment ?", "???", "Ça coûte 2 €/mois, 100%"]
    for number, text in enumerate(texts):
        published_verdict(
            claim=ClaimFactory(text=text, speaker=speaker),
            # Late evening in UTC is the next day in Paris (and 31 March changes the clocks).
            published_at=datetime(2024, 3, 29 + number, 23, 30, tzinfo=UTC),
        )
    published_verdict(claim=ClaimFactory(speaker=None))
    template = Template("{% load public %}{{ value|machine_time }}|{{ value|reader_date }}")
    with translation.override(language):
        reviews = list_items(list(listed_reviews()))
        for review in reviews:
            assert review.item_path == review.get_absolute_url()
            speaker = review.claim.speaker
            assert review.item_speaker_path == (speaker.get_absolute_url() if speaker else "")
            expected = template.render(Context({"value": review.published_at}))
            assert f"{review.item_iso}|{review.item_day}" == expected
    # HTML's datetime: to the second, in Paris time (clocks changed on 31 March); the day as
    # the page's language writes it, « 1er » in French.
    items = {(r.item_iso, r.item_day) for r in reviews if r.claim.text in texts}
    days = {
        "fr": ["30 mars 2024", "31 mars 2024", "1er avril 2024"],
        "en": ["30 March 2024", "31 March 2024", "1 April 2024"],
    }[language]
    assert items == set(
        zip(
            ["2024-03-30T00:30:00+01:00", "2024-03-31T00:30:00+01:00", "2024-04-01T01:30:00+02:00"],
            days,
            strict=True,
        )
    )


def test_paths_follow_the_active_language():
    review = published_verdict()
    for language in ("fr", "en"):
        with translation.override(language):
            path = path_maker("public:verdict")(review.pk, review.slug)
            assert path == review.get_absolute_url()
            assert path.startswith(f"/{language}/verdicts/{review.pk}/")
