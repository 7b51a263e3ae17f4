"""Verdicts: the rating scale and reviews."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .articles import Claim
from .text import Language, url_slug


class RatingScale(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("French name"), max_length=200)
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Shown on English pages; the French name is shown when this is empty."),
    )
    is_default = models.BooleanField(_("default scale"), default=False)

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_rating_scale"
            ),
        ]

    def __str__(self):
        return self.name

    def name_language_for(self, language):
        """The language this scale is named in on ``language`` pages: French unless it has an
        English name for English pages."""
        english = language == Language.ENGLISH and self.name_en
        return Language.ENGLISH if english else Language.FRENCH

    @property
    def name_language(self):
        """The language ``name_text`` is in, for its ``lang`` attribute."""
        return self.name_language_for(get_language())

    @property
    def name_text(self):
        """The name in the active language, or else in French."""
        return self.name_en if self.name_language == Language.ENGLISH else self.name


class Rating(models.Model):
    """A verdict label. A higher value is truer; labels off the true–false line have none."""

    scale = models.ForeignKey(
        RatingScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="ratings"
    )
    slug = models.SlugField(_("slug"))
    label_fr = models.CharField(_("French label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=100)
    value = models.SmallIntegerField(
        _("value"),
        null=True,
        blank=True,
        help_text=_("Higher is truer. Empty for labels that are not on the true–false line."),
    )
    position = models.PositiveSmallIntegerField(_("display position"), default=0)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#6b7280",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour like #1a7f37."))],
    )
    definition_fr = models.TextField(_("French definition"), blank=True)
    definition_en = models.TextField(_("English definition"), blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["scale_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_unique_slug_per_scale"),
            models.UniqueConstraint(
                fields=["scale", "value"],
                condition=Q(value__isnull=False),
                name="rating_unique_value_per_scale",
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_colour_hex"
            ),
        ]

    def __str__(self):
        return self.label_fr

    def label(self, language):
        return self.label_en if language == Language.ENGLISH else self.label_fr

    def definition_language(self, language):
        """The language ``definition(language)`` is written in: the other one when the
        definition in ``language`` is missing, so a page never drops the rating's meaning."""
        wanted, other = (
            (Language.ENGLISH, Language.FRENCH)
            if language == Language.ENGLISH
            else (Language.FRENCH, Language.ENGLISH)
        )
        return wanted if self._definition_in(wanted) or not self._definition_in(other) else other

    def definition(self, language):
        return self._definition_in(self.definition_language(language))

    def _definition_in(self, language):
        return self.definition_en if language == Language.ENGLISH else self.definition_fr

    @property
    def label_text(self):
        """The label in the active language."""
        return self.label(get_language())

    @property
    def definition_text(self):
        return self.definition(get_language())

    @property
    def definition_lang(self):
        """The language of ``definition_text``, for its ``lang`` attribute."""
        return self.definition_language(get_language())

    @property
    def public_key(self):
        """How readers' URLs name this rating: its slug on the default scale (``?rating=faux``,
        ``#rating-faux``), ``<scale slug>.<slug>`` on another (a dot is in no slug)."""
        return self.slug if self.scale.is_default else f"{self.scale.slug}.{self.slug}"


class ChangedForPartnersField(models.DateTimeField):
    """Takes the review's ``updated_at`` on each of its saves, so both name the same instant;
    signals move it alone when a related row changes (claims.api.feed.move_in_feed)."""

    def pre_save(self, model_instance, add):
        # updated_at is declared first, so its auto_now value is already set.
        value = model_instance.updated_at
        setattr(model_instance, self.attname, value)
        return value


def newsroom_language():
    """The language verdicts are written in unless the fact-checker says otherwise: the site's
    (``LANGUAGE_CODE``, which settings check is one of ``Language``)."""
    return settings.LANGUAGE_CODE


class Review(models.Model):
    """The verdict on a claim, from draft to publication."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.ForeignKey(
        Rating,
        verbose_name=_("rating"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=500, blank=True, help_text=_("The verdict in one sentence.")
    )
    explanation = models.TextField(_("explanation"), blank=True)
    # A French newsroom checks English claims in French: the claim keeps its own language
    # (claims.models.articles.Claim.language), the verdict's text has this one.
    language = models.CharField(
        _("language of the verdict"),
        max_length=8,
        choices=Language.choices,
        default=newsroom_language,
        help_text=_("The language the conclusion and explanation are written in."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_reviews",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="edited_reviews",
    )
    # The four-eyes rule needs to know who last stood for the text, not only who began it:
    # an editor who rewrote a draft must not approve their own rewrite.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("text last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
        help_text=_("Who last changed the text or submitted it; they cannot also approve it."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(
        _("approved at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the editor approved this text; any later change withdraws it."),
    )
    # Optimistic locking: every save through claims.workflow bumps it, and a form that was
    # opened on an older version is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Filled by claims.publishing.search on PostgreSQL; other databases search the text.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # When what partners receive for this review last changed: its own saves, and changes to
    # its claim, speaker, sources, appearances, rating or corrections (claims.signals). The
    # partner feed is ordered on it, so such a change moves the review in the feed.
    synced_at = ChangedForPartnersField(
        _("changed for partners at"), default=timezone.now, editable=False
    )

    history = HistoricalRecords(excluded_fields=["search_vector", "updated_at", "synced_at"])

    LIVE_STATES = (State.DRAFT, State.IN_REVIEW, State.PUBLISHED)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # A claim has one live verdict; unpublished ones stay as history beside it.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=["draft", "in_review", "published"]),
                name="review_one_live_per_claim",
                violation_error_message=_(
                    "This claim already has a live review; unpublish it before starting another."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="published")
                | Q(rating__isnull=False, published_at__isnull=False) & ~Q(conclusion=""),
                name="review_published_is_complete",
                violation_error_message=_(
                    "A published review needs a rating, a conclusion and a publication date."
                ),
            ),
        ]
        permissions = [
            ("submit_review", _("Can submit a review to an editor")),
            ("approve_review", _("Can approve a review")),
            ("publish_review", _("Can publish a review")),
            ("unpublish_review", _("Can unpublish a verdict")),
            ("correct_review", _("Can correct a published verdict")),
        ]
        indexes = [
            # The lists' and search's order, id included: search reads the RECENT-th newest
            # verdict's (date, id) from the index alone.
            models.Index(fields=["state", "-published_at", "-id"], name="review_published_idx"),
            models.Index(fields=["updated_at", "id"], name="review_updated_idx"),
            models.Index(fields=["synced_at", "id"], name="review_synced_idx"),
        ]

    def __str__(self):
        rating = f"{self.rating} — " if self.rating_id else ""
        return f"{rating}{self.claim}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "updated_at" in update_fields:
            # Whatever changes the review changes what partners receive.
            kwargs["update_fields"] = {*update_fields, "synced_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:verdict", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_public(self):
        return self.state == self.State.PUBLISHED

    @property
    def is_approved(self):
        return self.approved_at is not None

    @property
    def slug(self):
        """The readable part of the verdict's URL; the id alone identifies it."""
        return url_slug(self.claim.text, "verdict")


class Correction(models.Model):
    """A dated, public note on a change made to a verdict after its publication."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="corrections"
    )
    note = models.TextField(_("public note"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["review_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_not_empty"),
        ]

    def __str__(self):
        return f"{self.review_id} — {self.created_at:%Y-%m-%d}"
