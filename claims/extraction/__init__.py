"""Claim extraction: from an article's text to scored claims, quotes and speakers."""

from .pipeline import ClaimCandidate, Extraction, ExtractionError, extract

__all__ = ["ClaimCandidate", "Extraction", "ExtractionError", "extract"]
