"""Roles: the groups a migration creates, and the permission each workflow action needs."""

from django.utils.translation import gettext as _

from .errors import NotAllowed

FACT_CHECKER = "Fact-checker"
EDITOR = "Editor"

# Each action of the workflow, and the permission it needs (superusers have them all).
ACTION_PERMISSIONS = {
    "view": "claims.view_claim",
    "triage": "claims.triage_claim",
    "assign": "claims.assign_claim",
    "draft": "claims.change_review",
    "submit": "claims.submit_review",
    "approve": "claims.approve_review",
    "publish": "claims.publish_review",
    "unpublish": "claims.unpublish_review",
    "correct": "claims.correct_review",
}


def can(user, action):
    return bool(user and user.is_active and user.has_perm(ACTION_PERMISSIONS[action]))


def require(user, action):
    """Raise NotAllowed unless ``user`` may perform ``action``."""
    if not can(user, action):
        raise NotAllowed(
            _("Your role does not allow this action (%(permission)s).")
            % {"permission": ACTION_PERMISSIONS[action]}
        )
