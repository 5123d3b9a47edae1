"""Private uploads in tests: every private field of registry, decisions and elections writes to a temporary
private directory, and MEDIA_ROOT is a temporary directory too, so a test can tell the two apart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

from governance.registry.private_files import PRIVATE_FILE_FIELDS
from portal.storage import PrivateFileStorage


@dataclass
class PrivateFiles:
    root: Path  # the private root of this test
    media: Path  # MEDIA_ROOT of this test
    storage: PrivateFileStorage

    def media_files(self) -> list[Path]:
        return [path for path in self.media.rglob("*") if path.is_file()] if self.media.exists() else []

    def assert_private(self, fieldfile) -> bytes:
        """The file is stored under the private root, nothing is under MEDIA_ROOT, it has no URL; its bytes."""
        path = Path(fieldfile.path)
        assert path.is_file() and path.is_relative_to(self.root) and not path.is_relative_to(self.media)
        assert self.media_files() == []
        with pytest.raises(ValueError):
            fieldfile.url  # noqa: B018  (the private storage refuses to give an address)
        return path.read_bytes()


def redirect_private_files(tmp_path: Path, monkeypatch, settings) -> PrivateFiles:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    storage = PrivateFileStorage(location=tmp_path / "private")
    for label, field_name in PRIVATE_FILE_FIELDS:
        monkeypatch.setattr(apps.get_model(label)._meta.get_field(field_name), "storage", storage)
    return PrivateFiles(root=tmp_path / "private", media=tmp_path / "media", storage=storage)
