"""Data model: articles, the claims they carry, sources, background checks and verdicts."""

import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


def body_sha256(body):
    """Hex SHA-256 of an article body, the key that makes re-imports find the same article."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_name(name):
    """Lookup key for a name: no accents, no case, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_only.casefold()).strip()


class Article(models.Model):
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=500)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    body = models.TextField(_("body"), help_text=_("The text that claim offsets point into."))
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64, unique=True, editable=False)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_articles",
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_set"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(
                condition=Q(body_sha256__regex=r"^[0-9a-f]{64}$"), name="article_sha256_hex"
            ),
        ]
        indexes = [models.Index(fields=["-published_at", "-id"], name="article_published_idx")]

    def __str__(self):
        return self.title or f"Article #{self.pk}"

    def save(self, *args, **kwargs):
        # The digest is derived from the body; keeping it in sync here means no caller forgets.
        self.body_sha256 = body_sha256(self.body)
        super().save(*args, **kwargs)


class Speaker(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=300)
    normalized_name = models.CharField(
        _("normalized name"), max_length=300, editable=False, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(
        _("role or title"),
        max_length=300,
        blank=True,
        help_text=_("For example « conseiller à la Sécurité nationale »."),
    )
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata id looks like Q22686."))],
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_name", "kind"], name="speaker_unique_normalized_name_kind"
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="speaker_wikidata_id_unique_when_set",
            ),
            models.CheckConstraint(condition=~Q(normalized_name=""), name="speaker_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class Claim(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SELECTED = "selected", _("Selected for checking")
        DISMISSED = "dismissed", _("Dismissed")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    class Type(models.TextChoices):
        STATISTIC = "statistic", _("Figure or statistic")
        EVENT = "event", _("Dated event")
        QUOTE = "quote", _("Quotation")
        PREDICTION = "prediction", _("Prediction or promise")
        OTHER = "other", _("Other")

    text = models.TextField(_("claim"))
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    quotation = models.TextField(
        _("quotation"),
        blank=True,
        help_text=_("The exact quoted words, when the claim is a quote."),
    )
    check_worthiness = models.FloatField(
        _("check-worthiness"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("0 to 1: how much this claim is worth checking."),
    )
    claim_type = models.CharField(
        _("claim type"), max_length=16, choices=Type.choices, default=Type.OTHER
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CANDIDATE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
            models.CheckConstraint(
                condition=Q(check_worthiness__isnull=True)
                | Q(check_worthiness__gte=0.0, check_worthiness__lte=1.0),
                name="claim_check_worthiness_0_1",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-check_worthiness"], name="claim_triage_idx"),
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
        ]

    def __str__(self):
        return Truncator(self.text).chars(80)


class ClaimAppearance(models.Model):
    """Where a claim appears: a span of an article body, by character offsets."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="appearances"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="appearances"
    )
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))
    span_text = models.TextField(_("span text"), blank=True)

    class Meta:
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        ordering = ["article_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="appearance_start_lt_end"
            ),
            models.UniqueConstraint(
                fields=["claim", "article", "start", "end"], name="appearance_unique_span"
            ),
        ]
        indexes = [models.Index(fields=["article", "start"], name="appearance_article_idx")]

    def __str__(self):
        return f"{self.article} [{self.start}:{self.end}]"

    def clean(self):
        """Offsets must fit the article body; the span text is what the body holds there."""
        if self.start is None or self.end is None or not self.article_id:
            return
        if self.start >= self.end:
            raise ValidationError({"end": _("The end offset must be after the start offset.")})
        body = self.article.body
        if self.end > len(body):
            raise ValidationError(
                {"end": _("The article body has only %(n)d characters.") % {"n": len(body)}}
            )
        expected = body[self.start : self.end]
        if not self.span_text:
            self.span_text = expected
        elif self.span_text != expected:
            raise ValidationError(
                {"span_text": _("The span text differs from the article body at these offsets.")}
            )


class Source(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary source")
        OFFICIAL = "official", _("Official")
        PRESS = "press", _("Press")
        ARCHIVE = "archive", _("Archive")
        OTHER = "other", _("Other")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="sources"
    )
    url = models.URLField(_("URL"), max_length=2000)
    title = models.CharField(_("title"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="added_sources",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["claim_id", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="source_unique_url_per_claim"),
        ]

    def __str__(self):
        return self.title or self.url


class SourceCheck(models.Model):
    """One background check of a source: fetch, status, final URL and content digest."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="checks"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("source check")
        verbose_name_plural = _("source checks")
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(http_status__isnull=True)
                | Q(http_status__gte=100, http_status__lte=599),
                name="sourcecheck_http_status_range",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=False, finished_at__gte=models.F("started_at")),
                name="sourcecheck_finished_after_started",
            ),
            models.CheckConstraint(
                condition=Q(content_sha256="") | Q(content_sha256__regex=r"^[0-9a-f]{64}$"),
                name="sourcecheck_sha256_hex",
            ),
        ]
        indexes = [models.Index(fields=["source", "-queued_at"], name="sourcecheck_latest_idx")]

    def __str__(self):
        status = f" HTTP {self.http_status}" if self.http_status else ""
        return f"{self.get_state_display()}{status} — {self.source}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class RatingScale(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
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
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
        indexes = [
            models.Index(fields=["state", "-published_at"], name="review_published_idx"),
            models.Index(fields=["updated_at", "id"], name="review_updated_idx"),
        ]

    def __str__(self):
        rating = f"{self.rating} — " if self.rating_id else ""
        return f"{rating}{self.claim}"
