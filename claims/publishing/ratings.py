"""The rating scales as the public pages and the API read them, kept in each process under the
public version stamp: ratings and scales change only through saves that move it
(claims.signals), and every list, verdict and methodology page would otherwise read them again.
"""

from django.db.models import Max, Min

from ..models import Rating
from .freshness import public_version


class StampMemo:
    """Values computed at most once per version stamp in this process."""

    def __init__(self):
        # (stamp, {name: value}), replaced whole: a thread never sees half of one.
        self._kept = (None, {})

    def get(self, name, load):
        stamp, _last_modified = public_version(memo=True)
        if stamp is None:  # the cache is down: nothing tells us when to forget
            return load()
        kept_stamp, values = self._kept
        if kept_stamp != stamp:
            values = {}
            self._kept = (stamp, values)
        if name not in values:
            values[name] = load()
        return values[name]

    def clear(self):
        self._kept = (None, {})


rating_scales = StampMemo()


def default_ratings():
    """The default scale's ratings, truest first, as a tuple shared by this process's pages."""
    return rating_scales.get(
        "default", lambda: tuple(Rating.objects.filter(scale__is_default=True))
    )


def scale_bounds():
    """``{scale id: (worst, best)}`` of every rating scale's values."""
    return rating_scales.get("bounds", _scale_bounds)


def _scale_bounds():
    rows = (
        Rating.objects.filter(value__isnull=False)
        .values("scale_id")
        .annotate(worst=Min("value"), best=Max("value"))
    )
    return {row["scale_id"]: (row["worst"], row["best"]) for row in rows}
