from .apikeys import ApiKey
from .articles import Article, Claim, ClaimAppearance, ClaimNote, Quotation, Speaker
from .imports import ImportJob
from .sources import FAILING_STATUSES, FailingSource, LinkStatus, Source, SourceCheck
from .submissions import ReaderSubmission
from .text import Language, body_sha256, normalize_claim_text, normalize_name
from .tombstones import Tombstone
from .verdicts import Correction, Rating, RatingScale, Review
from .webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiKey",
    "FAILING_STATUSES",
    "Article",
    "FailingSource",
    "LinkStatus",
    "Claim",
    "ClaimAppearance",
    "ClaimNote",
    "Correction",
    "ImportJob",
    "Language",
    "Quotation",
    "Rating",
    "ReaderSubmission",
    "RatingScale",
    "Review",
    "Source",
    "SourceCheck",
    "Speaker",
    "Tombstone",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "body_sha256",
    "normalize_claim_text",
    "normalize_name",
]
