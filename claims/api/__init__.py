"""The partner REST API under /api/v1/: published verdicts to read and mirror (docs/api.md)."""
