"""Serve evidence snapshots to fact-checkers. Archived pages are never rendered as HTML from
our origin: they come back as plain text downloads, so their scripts cannot run here."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import SourceCheck


@require_GET
@staff_member_required
def snapshot(request, check_id, kind):
    # Being staff is not a role: the snapshot is the check's evidence, and ids are
    # sequential, so it needs the right to read checks in the admin (refused before lookup).
    if not request.user.has_perm("claims.view_sourcecheck"):
        raise PermissionDenied
    check = get_object_or_404(SourceCheck, pk=check_id)
    return snapshot_response(check, kind)


def snapshot_response(check, kind):
    """The check's snapshot as inert plain text: the text kept, or the raw page as a download."""
    field = check.snapshot_text if kind == "text" else check.snapshot_raw
    if not field:
        raise Http404("no snapshot kept for this check")
    response = FileResponse(
        field.open("rb"),
        as_attachment=kind == "raw",
        filename=f"check-{check.pk}-{kind}.txt",
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
