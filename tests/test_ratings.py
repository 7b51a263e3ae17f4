"""The rating scales are read once per version stamp in each process, as long as a rendered page
is kept, and read afresh once a change moves the stamp."""

import pytest

from claims.models import Rating, RatingScale
from claims.publishing import freshness
from claims.publishing.ratings import public_scales, scale_bounds

from .factories import RatingFactory, RatingScaleFactory, default_rating

# The stamp moves when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kept_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def test_the_scales_are_read_once_per_stamp(kept_pages, django_assert_num_queries):
    default_rating()
    with django_assert_num_queries(2):
        scales, bounds = public_scales(), scale_bounds()
    with django_assert_num_queries(0):
        assert public_scales() == scales
        assert scale_bounds() == bounds
    ratings = scales[0][1]
    assert [r.slug for r in ratings][0] == "vrai"
    scale_id = ratings[0].scale_id
    assert bounds[scale_id] == (min(r.value for r in ratings if r.value is not None), 5)


def test_every_scale_comes_with_its_ratings_the_default_one_first(
    kept_pages, django_assert_num_queries
):
    default_rating()
    zeta = RatingFactory(scale__name="Zeta", position=2)
    zeta_first = RatingFactory(scale=zeta.scale, position=1)
    alpha = RatingFactory(scale__name="Alpha")
    RatingScaleFactory(name="Empty")  # no rating yet: nothing to show
    with django_assert_num_queries(1):
        scales = public_scales()
    default = RatingScale.objects.get(is_default=True)
    assert [scale for scale, _ratings in scales] == [default, alpha.scale, zeta.scale]
    assert scales[2][1] == (zeta_first, zeta)
    assert [r.public_key for r in scales[1][1]] == [f"{alpha.scale.slug}.{alpha.slug}"]
    assert scales[0][1][0].public_key == "vrai"


def test_a_saved_rating_is_seen_at_once(kept_pages):
    rating = default_rating("vrai")
    assert scale_bounds()[rating.scale_id][1] == rating.value
    Rating.objects.filter(pk=rating.pk).update(value=9)  # no signal: the memo still holds
    assert scale_bounds()[rating.scale_id][1] == rating.value
    rating.refresh_from_db()
    rating.save()  # through the model, as the admin does: the stamp moves on commit
    assert scale_bounds()[rating.scale_id][1] == 9
    assert next(r for r in public_scales()[0][1] if r.pk == rating.pk).value == 9


def test_they_are_kept_no_longer_than_a_rendered_page(settings, monkeypatch):
    # Without Redis, another process's change never moves this process's stamp.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    now = [1000.0]
    monkeypatch.setattr(freshness, "monotonic", lambda: now[0])
    rating = default_rating("vrai")
    assert scale_bounds()[rating.scale_id][1] == 5
    Rating.objects.filter(pk=rating.pk).update(value=9)  # unseen, like another process's save
    now[0] += 299
    assert scale_bounds()[rating.scale_id][1] == 5
    now[0] += 1
    assert scale_bounds()[rating.scale_id][1] == 9


def test_nothing_is_kept_when_pages_are_not(settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    default_rating()
    public_scales()
    with django_assert_num_queries(1):
        public_scales()
