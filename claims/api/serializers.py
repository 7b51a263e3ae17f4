"""What the API shows of published content. Built once per page with ``many=True``, reading
only what the view's queryset has already selected or prefetched."""

from datetime import UTC

from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Claim, ClaimAppearance, Correction, Rating, Review, Source, Speaker
from ..publishing.claimreview import local_day


class UTCDateTimeField(serializers.DateTimeField):
    """Instants in UTC with microseconds, as partners compare and store them."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


def public_url(context, obj, language):
    """The object's public page on the canonical origin, in ``language``."""
    with translation.override(language):
        return context["base_url"] + obj.get_absolute_url()


class RatingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "slug", "label_fr", "label_en", "value"]


class RatingSerializer(serializers.ModelSerializer):
    scale = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "slug",
            "scale",
            "label_fr",
            "label_en",
            "value",
            "position",
            "colour",
            "definition_fr",
            "definition_en",
        ]


class SpeakerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "name", "kind", "role", "wikidata_id"]


class SpeakerSerializer(SpeakerRefSerializer):
    url = serializers.SerializerMethodField(help_text="The speaker's public page (French).")
    published_reviews = serializers.IntegerField(
        read_only=True, help_text="How many published verdicts are about their claims."
    )

    class Meta(SpeakerRefSerializer.Meta):
        fields = [*SpeakerRefSerializer.Meta.fields, "url", "published_reviews"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, speaker):
        return public_url(self.context, speaker, "fr")


class ClaimRefSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="claim_type", read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "text", "quotation", "language", "type"]


class ClaimSerializer(ClaimRefSerializer):
    speaker = SpeakerRefSerializer(read_only=True, allow_null=True)
    review = serializers.IntegerField(
        source="review_id", read_only=True, help_text="Id of the claim's published review."
    )

    class Meta(ClaimRefSerializer.Meta):
        fields = [*ClaimRefSerializer.Meta.fields, "speaker", "review"]


class AppearanceSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="article.title", read_only=True)
    url = serializers.SerializerMethodField(help_text="The article's address; null if unknown.")
    outlet = serializers.CharField(source="article.outlet", read_only=True)
    date = serializers.SerializerMethodField(help_text="The article's publication date.")

    class Meta:
        model = ClaimAppearance
        fields = ["title", "url", "outlet", "date"]

    # An article pasted as text has no address and may have no date.
    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, appearance):
        return appearance.article.url or None

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_date(self, appearance):
        published = appearance.article.published_at
        return local_day(published) if published else None


class SourceSerializer(serializers.ModelSerializer):
    last_checked_at = UTCDateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = ["url", "title", "kind", "status", "last_checked_at"]


class CorrectionSerializer(serializers.ModelSerializer):
    date = serializers.SerializerMethodField()

    class Meta:
        model = Correction
        fields = ["date", "note"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date(self, correction):
        return timezone_date(correction.created_at)


def timezone_date(moment):
    """The calendar date readers see on the public page, in the site's time zone."""
    return timezone.localtime(moment).date().isoformat()


class ReviewSerializer(serializers.ModelSerializer):
    deleted = serializers.SerializerMethodField(help_text="Always false for a published review.")
    url = serializers.SerializerMethodField(help_text="The verdict's public page.")
    language = serializers.CharField(
        read_only=True, help_text="The language the conclusion and explanation are written in."
    )
    published_at = UTCDateTimeField(read_only=True)
    updated_at = UTCDateTimeField(read_only=True)
    claim = ClaimRefSerializer(read_only=True)
    speaker = SpeakerRefSerializer(source="claim.speaker", read_only=True, allow_null=True)
    rating = RatingRefSerializer(read_only=True)
    appearances = AppearanceSerializer(source="claim.appearances", many=True, read_only=True)
    sources = SourceSerializer(source="claim.sources", many=True, read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "deleted",
            "updated_at",
            "published_at",
            "language",
            "url",
            "claim",
            "speaker",
            "rating",
            "conclusion",
            "explanation",
            "appearances",
            "sources",
            "corrections",
        ]
        extra_kwargs = {"explanation": {"help_text": "Markdown, as written by the fact-checker."}}

    # false only, so that a review never also reads as a tombstone in the feed's oneOf
    @extend_schema_field({"type": "boolean", "enum": [False]})
    def get_deleted(self, review):
        return False

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, review):
        return public_url(self.context, review, review.language)


class TombstoneSerializer(serializers.Serializer):
    """A review that was public and no longer is (unpublished or deleted): drop it."""

    id = serializers.IntegerField()
    deleted = serializers.SerializerMethodField(help_text="Always true.")
    updated_at = UTCDateTimeField(help_text="When it was unpublished or deleted.")

    @extend_schema_field({"type": "boolean", "enum": [True]})
    def get_deleted(self, tombstone):
        return True


def tombstone(review_id, updated_at):
    return {"id": review_id, "deleted": True, "updated_at": _utc(updated_at)}


_UTC_FIELD = UTCDateTimeField()


def _utc(moment):
    return _UTC_FIELD.to_representation(moment)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="`invalid`, `not_found`, `method_not_allowed`, …")
    message = serializers.CharField(help_text="For people; in the request's language.")
    details = serializers.DictField(help_text="For `invalid`: the messages per parameter.")


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    error = ErrorDetailSerializer()
