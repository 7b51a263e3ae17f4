"""The rating scales as the public pages and the API read them, kept in each process under the
public version stamp, as rendered pages are: ratings and scales change only through saves that
move it (claims.signals), and every list, verdict and methodology page would otherwise read them
again.
"""

from django.conf import settings
from django.db.models import Max, Min

from ..models import Rating
from . import freshness


class StampMemo:
    """Values computed at most once per version stamp in this process, and kept no longer than
    a rendered page (``PUBLIC_PAGE_CACHE_SECONDS``; 0 keeps nothing): without Redis, each process
    has a stamp of its own that another process's change never moves."""

    def __init__(self):
        # (stamp, read at, {name: value}), replaced whole: a thread never sees half of one.
        self._kept = (None, 0.0, {})

    def get(self, name, load):
        stamp = freshness.public_version(memo=True).stamp
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if stamp is None or seconds <= 0:  # no stamp (the cache is down), or nothing kept
            return load()
        now = freshness.monotonic()
        kept_stamp, read_at, values = self._kept
        if kept_stamp != stamp or now - read_at >= seconds:
            values = {}
            self._kept = (stamp, now, values)
        if name not in values:
            values[name] = load()
        return values[name]

    def clear(self):
        self._kept = (None, 0.0, {})


rating_scales = StampMemo()


def public_scales():
    """``((scale, ratings), …)``: every scale that has ratings, the default scale first, then
    by name, each with its ratings in their display order."""
    return rating_scales.get("scales", _public_scales)


def _public_scales():
    scales = {}
    ratings = Rating.objects.select_related("scale").order_by(
        "-scale__is_default", "scale__name", "scale_id", "position", "id"
    )
    for rating in ratings:
        scale, members = scales.setdefault(rating.scale_id, (rating.scale, []))
        rating.scale = scale  # one instance per scale, not one per row
        members.append(rating)
    return tuple((scale, tuple(members)) for scale, members in scales.values())


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
