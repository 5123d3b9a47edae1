"""Private uploads of the governance apps: how they are served, and which fields they are.

Proofs (证明材料), roster import files, motion attachments, ballot scans and e-signatures, and
candidates' application signatures store into `portal.storage.private_storage`: outside MEDIA_ROOT,
with no URL (`url()` raises). They are served only by views that first ask a permission rule
(each app's `permissions.py` / `selectors.py`) and then answer with `file_response`.

`PRIVATE_FILE_FIELDS` lists them for `manage.py move_private_uploads`, which moves the files of an
existing deployment from MEDIA_ROOT to the private root.
"""

from __future__ import annotations

import mimetypes
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from portal.storage import private_file_response

#: Shown in the browser (previewed in the page); every other type is downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp", "image/gif"})

#: (app_label.Model, field name) of every private upload owned by registry, decisions and elections.
PRIVATE_FILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("registry.UnitApplication", "proof"),
    ("registry.RosterImport", "file"),
    ("decisions.MotionAttachment", "file"),
    ("decisions.Ballot", "scan"),
    ("decisions.Ballot", "signature"),
    ("elections.Candidate", "signature"),
    ("elections.ElectionBallot", "scan"),
    ("elections.ElectionBallot", "signature"),
)


def file_response(fieldfile, *, filename: str | None = None, download: bool = False) -> FileResponse:
    """Answer with the file's bytes: PDF and images inline, anything else as a download.

    `nosniff` keeps the browser to the declared type; `private, no-store` keeps shared caches
    (and the browser's disk cache) from holding a copy. An empty field or a missing file is a 404.
    """
    if not fieldfile:
        raise Http404
    name = fieldfile.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES and not download
    return private_file_response(fieldfile, content_type=content_type, filename=filename or name,
                                 as_attachment=not inline)


def private_file_view(view):
    """A GET view serving a private file on the portal: the web's session cookie or the mini-program's
    `X-Session-Token` (the same authentication as /graphql/). Anonymous browsers are sent to sign in;
    a request with an unknown token is a 404. The view itself checks the rule and 404s when denied."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from portal.graphql.auth import authenticate_request

        auth = authenticate_request(request)
        if not request.user.is_authenticated:
            if auth.token_presented:
                raise Http404
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
