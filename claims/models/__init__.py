from .articles import Article, Claim, ClaimAppearance, Quotation, Speaker
from .imports import ImportJob
from .sources import FAILING_STATUSES, FailingSource, LinkStatus, Source, SourceCheck
from .text import Language, body_sha256, normalize_claim_text, normalize_name
from .verdicts import Rating, RatingScale, Review

__all__ = [
    "FAILING_STATUSES",
    "Article",
    "FailingSource",
    "LinkStatus",
    "Claim",
    "ClaimAppearance",
    "ImportJob",
    "Language",
    "Quotation",
    "Rating",
    "RatingScale",
    "Review",
    "Source",
    "SourceCheck",
    "Speaker",
    "body_sha256",
    "normalize_claim_text",
    "normalize_name",
]
