"""Private file storage: community archives and bylaws never get a public /media/ URL.

Files live outside MEDIA_ROOT (in ``settings.PRIVATE_MEDIA_ROOT`` when set, otherwise in
``<BASE_DIR>/var/private``, which is git-ignored and served by nothing) and are served only by views
that check who is asking
(``home.views``), with ``FileResponse``. ``url()`` refuses, so a template cannot leak a link.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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
