"""The private files of owner decisions, served only after a permission check (never a /media/ address).

* Motion attachments, on the portal (`/votes/attachments/<id>/`): whoever may read the motion
  (`selectors.visible_attachments`); another community's motion, or a draft the user may not see, is a 404.
  GraphQL's `MotionAttachment.url` points here.
* A ballot's paper scan and handwritten e-signature, in the admin (`decisions_motion:scan` /
  `decisions_motion:signature`): the staff who may see who voted (`permissions.can_view_ballot_files`).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import View

from governance.registry.private_files import file_response, private_file_view
from governance.registry.admin_scoping import READ_ACTIONS, ScopedViewMixin

from . import permissions, selectors
from .models import Ballot, Motion


def _attachment_filename(attachment) -> str:
    extension = attachment.file.name.rsplit(".", 1)[-1].lower() if "." in attachment.file.name else ""
    title = attachment.title or "附件"
    if not extension or title.lower().endswith(f".{extension}"):
        return title
    return f"{title}.{extension}"


@private_file_view
def motion_attachment(request, attachment_id: int):
    """One attachment of a motion the user may read; PDF and images inline, `?download=1` to save it."""
    attachment = get_object_or_404(selectors.visible_attachments(request.user), pk=attachment_id)
    return file_response(attachment.file, filename=_attachment_filename(attachment),
                         download=request.GET.get("download") == "1")


class BallotFileView(ScopedViewMixin, View):
    """A ballot's `scan` or `signature` (set by the URL) for the community's staff; another community's
    ballot is a 404, and so is a ballot without that file."""

    model = Motion
    field = "scan"
    http_method_names = ("get",)

    def get(self, request, pk):
        ballot = get_object_or_404(
            Ballot.objects.filter(motion__in=self.scoped_queryset(READ_ACTIONS)).select_related("motion__community"),
            pk=pk)
        if not permissions.can_view_ballot_files(request.user, ballot):
            raise Http404
        return file_response(getattr(ballot, self.field))
