"""Errors the workflow raises; the admin shows their messages to the user as they are."""

from django.core.exceptions import PermissionDenied, ValidationError


class WorkflowError(ValidationError):
    """The move is not possible from here; the message says why."""


class NotAllowed(PermissionDenied):
    """The user's role does not allow this action."""


class EditConflict(WorkflowError):
    """Someone saved the review after this form was opened; saving would overwrite it."""
