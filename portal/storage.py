"""Private file storage: community archives and bylaws never get a public /media/ URL.

Files live outside MEDIA_ROOT (in ``settings.PRIVATE_MEDIA_ROOT`` when set, otherwise in
``<BASE_DIR>/var/private``, which is git-ignored and served by nothing) and are served only by views
that check who is asking
(``home.views``, ``governance.registry.private_files``), with ``FileResponse``. ``url()`` refuses, so a template cannot leak a link.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404


class PrivateFileStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("私有文件只能通过权限检查后的视图访问，没有公开地址。")


def private_root() -> Path:
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "var" / "private"


_storage: PrivateFileStorage | None = None


def private_storage() -> PrivateFileStorage:
    """The storage of every private FileField (a callable, so migrations do not record a path)."""
    global _storage
    if _storage is None:
        _storage = PrivateFileStorage(location=private_root(), base_url=None)
    return _storage


def private_file_response(fieldfile, *, content_type: str, filename: str, as_attachment: bool) -> FileResponse:
    """The bytes of a private file, for a view that has already checked who asks.

    `nosniff` keeps the browser to the declared type; `private, no-store` keeps shared caches (and the
    browser's disk cache) from holding a copy. A missing file is a 404."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
