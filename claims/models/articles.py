"""Articles, the claims they carry, where they appear, and who made them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import (
    Language,
    body_sha256,
    normalize_claim_text,
    normalize_name,
    plausible_date,
    url_slug,
    web_url,
)


class Article(models.Model):
    url = models.URLField(_("URL"), max_length=2000, blank=True, validators=[web_url])
    title = models.CharField(_("title"), max_length=500)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, validators=[plausible_date]
    )
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

    def published_claims(self):
        """The published claims that show this article to readers ("where it appeared")."""
        return Claim.objects.filter(
            status=Claim.Status.PUBLISHED, appearances__article=self
        ).distinct()


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

    def get_absolute_url(self):
        return reverse("public:speaker", kwargs={"pk": self.pk, "slug": self.slug})

    def published_claims(self):
        """The published claims that show this speaker to readers ("said by")."""
        return self.claims.filter(status=Claim.Status.PUBLISHED)

    def clean(self):
        # The key is derived in save(), out of the form's reach: check it here, so that the
        # admin says what is wrong instead of failing on the database's constraint.
        super().clean()
        key = self.normalized_name = normalize_name(self.name)
        if not key:
            raise ValidationError({"name": _("A name needs at least one letter or digit.")})
        same = Speaker.objects.filter(normalized_name=key, kind=self.kind).exclude(pk=self.pk)
        if other := same.first():
            raise ValidationError(
                {"name": _("This speaker already exists: %(name)s.") % {"name": other}}
            )

    @property
    def slug(self):
        return url_slug(self.name, "speaker")


class Claim(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SELECTED = "selected", _("Selected for checking")
        DISMISSED = "dismissed", _("Dismissed")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    class Type(models.TextChoices):
        QUANTITY = "quantity", _("Figure or quantity")
        EVENT = "event", _("Dated event")
        STATEMENT = "statement", _("Attributed statement")
        CAUSAL = "causal", _("Cause and effect")
        PREDICTION = "prediction", _("Prediction or plan")
        LAW = "law", _("Law or rule")
        OPINION = "opinion", _("Opinion")
        OTHER = "other", _("Other")

    text = models.TextField(_("claim"))
    normalized_text = models.TextField(_("normalized text"), editable=False, db_index=True)
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
    checkworthiness_reasons = models.JSONField(
        _("why it ranks so"),
        default=list,
        blank=True,
        help_text=_("The features behind the check-worthiness score, strongest first."),
    )
    claim_type = models.CharField(
        _("claim type"), max_length=16, choices=Type.choices, default=Type.OTHER
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CANDIDATE, editable=False
    )
    dismissal_reason = models.CharField(
        _("why it was dismissed"), max_length=500, blank=True, editable=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
        editable=False,
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["normalized_text", "updated_at"])

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
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismissal_reason=""),
                name="claim_dismissed_has_reason",
                violation_error_message=_("A dismissed claim needs a reason."),
            ),
        ]
        permissions = [
            ("triage_claim", _("Can select or dismiss candidate claims")),
            ("assign_claim", _("Can assign claims to fact-checkers")),
        ]
        indexes = [
            models.Index(fields=["status", "-check_worthiness"], name="claim_triage_idx"),
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
            models.Index(fields=["assigned_to", "status"], name="claim_assigned_idx"),
        ]

    def __str__(self):
        return Truncator(self.text).chars(80)

    def save(self, *args, **kwargs):
        self.normalized_text = normalize_claim_text(self.text)
        super().save(*args, **kwargs)


class ClaimNote(models.Model):
    """An internal note on a claim, for the newsroom only: never on a public page or the API."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["claim_id", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="claim_note_not_empty")]

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
    annotations = models.JSONField(
        _("annotations"),
        default=dict,
        blank=True,
        help_text=_("Entities, dates and numbers found in the span, offsets into the article."),
    )

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


class Quotation(models.Model):
    """Words reported in an article, direct or indirect, with who said them."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct quote")
        PARTIAL = "partial", _("Partial quote")
        INDIRECT = "indirect", _("Indirect speech")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="quotations"
    )
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotations",
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotations",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))
    text = models.TextField(_("quoted words"))
    cue = models.CharField(_("reporting cue"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["article_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="quotation_start_lt_end"
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="quotation_unique_span"
            ),
        ]

    def __str__(self):
        speaker = f"{self.speaker.name} : " if self.speaker_id else ""
        return f"{speaker}« {Truncator(self.text).chars(60)} »"
