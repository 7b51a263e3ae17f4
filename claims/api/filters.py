"""Query parameters that narrow the API's lists (django-filter)."""

import re
from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.forms import IntegerField
from django_filters.fields import IsoDateTimeField
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models import Claim, Language, Review


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant, turned to UTC: ISO 8601 and Python allow offsets up to ±23:59,
    PostgreSQL only up to ±15:59, so ``+22:40`` reached the database as is and failed (500)."""

    default_error_messages = {
        "naive": "Give a time zone (2026-12-07T10:00:00Z or +01:00): an instant without one "
        "would be read in the server's zone, and a partner sending UTC would miss an hour."
    }

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        if not self._has_offset(self._raw):
            raise ValidationError(self.error_messages["naive"], code="naive")
        try:
            return value.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def to_python(self, value):
        self._raw = value
        return super().to_python(value)

    @staticmethod
    def _has_offset(raw):
        raw = (raw or "").strip()
        return raw.endswith(("Z", "z")) or bool(re.search(r"[+-]\d{2}(?::?\d{2})?$", raw[10:]))


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row's id: ``12.9`` is an error, not 12."""

    field_class = IntegerField


class ReviewFilter(django_filters.FilterSet):
    rating = django_filters.CharFilter(
        method="filter_rating",
        help_text="A rating: its slug, matching it on every scale (`faux`), or "
        "`<scale slug>.<slug>` for one scale's (`factcheck.faux`, `flip.volte-face`).",
    )
    speaker = IdFilter(field_name="claim__speaker_id", help_text="A speaker's id.")
    language = django_filters.ChoiceFilter(
        choices=Language.choices,
        help_text="The verdict's language (`language`; the claim's is `claim.language`).",
    )
    # The feed's time: the review or anything partners receive with it (claims.api.feed).
    updated_since = UTCIsoDateTimeFilter(
        field_name="synced_at",
        lookup_expr="gte",
        help_text="Changed at or after this instant (ISO 8601 with a time zone): the review, "
        "or its claim, speaker, sources, appearances, rating or corrections.",
    )
    updated_before = UTCIsoDateTimeFilter(
        field_name="synced_at",
        lookup_expr="lt",
        help_text="Changed before this instant (ISO 8601 with a time zone).",
    )

    class Meta:
        model = Review
        fields = ["rating", "speaker", "language", "updated_since", "updated_before"]

    def filter_rating(self, queryset, name, value):
        scale, dot, slug = value.partition(".")  # a dot is in no slug (Rating.public_key)
        if dot:
            return queryset.filter(rating__scale__slug=scale, rating__slug=slug)
        return queryset.filter(rating__slug=value)


class ClaimFilter(django_filters.FilterSet):
    speaker = IdFilter(field_name="speaker_id", help_text="A speaker's id.")
    language = django_filters.ChoiceFilter(choices=Language.choices, help_text="The language.")

    class Meta:
        model = Claim
        fields = ["speaker", "language"]


class EmptyMeansUnfiltered(DjangoFilterExtension):
    """``?language=`` filters nothing, as in an HTML form: the schema says so."""

    priority = 1  # over drf-spectacular's own

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        return [{**parameter, "allowEmptyValue": True} for parameter in parameters]
