"""Evidence cited for claims, and the background checks of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .articles import Article, Claim
from .text import web_url


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    OK = "ok", _("OK")
    CHANGED = "changed", _("Changed")
    DEAD = "dead", _("Dead")
    BLOCKED = "blocked", _("Blocked")
    ERROR = "error", _("Error")


FAILING_STATUSES = (LinkStatus.DEAD, LinkStatus.BLOCKED, LinkStatus.ERROR)

# How readers see a link's status on a verdict page.
READER_STATUS = {
    LinkStatus.UNCHECKED: _("link not checked yet"),
    LinkStatus.OK: _("link works"),
    LinkStatus.CHANGED: _("link works, page changed since it was cited"),
    LinkStatus.DEAD: _("link dead"),
    LinkStatus.BLOCKED: _("link refused by our checks"),
    LinkStatus.ERROR: _("link failing"),
}


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
    url = models.URLField(_("URL"), max_length=2000, validators=[web_url])
    title = models.CharField(_("title"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    note = models.TextField(_("note"), blank=True)
    archive_url = models.URLField(
        _("archived copy"),
        max_length=2000,
        blank=True,
        validators=[web_url],
        help_text=_("A permanent copy elsewhere, for example on the Internet Archive."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="added_sources",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    # Written by the checks, never typed in a form.
    status = models.CharField(
        _("link status"),
        max_length=16,
        choices=LinkStatus.choices,
        default=LinkStatus.UNCHECKED,
        editable=False,
    )
    last_checked_at = models.DateTimeField(
        _("last checked at"), null=True, blank=True, editable=False
    )
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, editable=False)
    failure_count = models.PositiveSmallIntegerField(
        _("failures"),
        default=0,
        editable=False,
        help_text=_("Failed checks at least three days apart; three make a link dead."),
    )
    last_failure_at = models.DateTimeField(
        _("last counted failure"), null=True, blank=True, editable=False
    )

    # People's edits; what the checks write is in SourceCheck rows, not here.
    history = HistoricalRecords(
        excluded_fields=[
            "status",
            "last_checked_at",
            "next_check_at",
            "failure_count",
            "last_failure_at",
        ]
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["claim_id", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="source_unique_url_per_claim"),
        ]
        indexes = [
            models.Index(fields=["next_check_at"], name="source_next_check_idx"),
            models.Index(fields=["status"], name="source_status_idx"),
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def reader_status(self):
        return READER_STATUS[self.status]


class FailingSource(Source):
    """Sources whose link is dead, blocked or erroring, across claims (an admin list)."""

    class Meta:
        proxy = True
        verbose_name = _("failing source")
        verbose_name_plural = _("failing sources")


class SourceCheck(models.Model):
    """One background check of a source (or of an article's URL): the fetch, what came back,
    the evidence kept, and how the source's quotes compare with it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class ErrorClass(models.TextChoices):
        INVALID_URL = "invalid_url", _("Invalid URL")
        BLOCKED = "blocked", _("Blocked address")
        DNS = "dns", _("Name not found")
        CONNECT = "connect", _("Connection failed")
        TIMEOUT = "timeout", _("Timed out")
        TLS = "tls", _("TLS error")
        TOO_LARGE = "too_large", _("Too large")
        TOO_MANY_REDIRECTS = "too_many_redirects", _("Too many redirects")
        HTTP_4XX = "http_4xx", _("Client error (4xx)")
        HTTP_5XX = "http_5xx", _("Server error (5xx)")
        HTTP_NONSTANDARD = "http_nonstandard", _("Non-standard HTTP status")
        NOT_HTML = "not_html", _("Not a web page")
        GAVE_UP = "gave_up", _("Gave up after repeated deliveries")
        INTERNAL = "internal", _("Internal error")

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checks",
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checks",
    )
    url = models.URLField(_("URL checked"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    reason = models.CharField(_("why"), max_length=32, blank=True)
    deliveries = models.PositiveSmallIntegerField(_("deliveries"), default=0)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # When a message for the check last went to the broker: the sweeper's clock (queueing.py).
    sent_at = models.DateTimeField(_("last sent to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    redirect_chain = models.JSONField(_("redirects"), default=list, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    bytes_read = models.PositiveIntegerField(_("bytes read"), null=True, blank=True)
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    title = models.CharField(_("page title"), max_length=500, blank=True)
    author = models.CharField(_("page author"), max_length=300, blank=True)
    published = models.DateField(_("page date"), null=True, blank=True)
    site_name = models.CharField(_("site name"), max_length=200, blank=True)
    text = models.TextField(_("main text"), blank=True)
    changed = models.BooleanField(
        _("changed since the last check"),
        null=True,
        blank=True,
        help_text=_("Empty for a first successful check."),
    )
    snapshot_text = models.FileField(_("archived text"), upload_to="evidence/%Y/%m/", blank=True)
    snapshot_raw = models.FileField(_("archived page"), upload_to="evidence/%Y/%m/", blank=True)
    quote_results = models.JSONField(_("quote verification"), default=list, blank=True)
    error_class = models.CharField(
        _("error class"), max_length=24, choices=ErrorClass.choices, blank=True
    )
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
            models.CheckConstraint(
                condition=Q(source__isnull=False, article__isnull=True)
                | Q(source__isnull=True, article__isnull=False),
                name="sourcecheck_source_or_article",
            ),
        ]
        indexes = [
            models.Index(fields=["source", "-queued_at"], name="sourcecheck_latest_idx"),
            models.Index(fields=["article", "-queued_at"], name="sourcecheck_article_idx"),
            models.Index(fields=["state", "queued_at"], name="sourcecheck_state_idx"),
        ]

    def __str__(self):
        status = f" HTTP {self.http_status}" if self.http_status else ""
        return f"{self.get_state_display()}{status} — {self.url or self.source or self.article}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)
