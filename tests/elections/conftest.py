import pytest

from tests.registry.private_fixtures import PrivateFiles, redirect_private_files


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch, settings) -> PrivateFiles:
    """Private uploads go to a temporary directory (never the real private root nor MEDIA_ROOT)."""
    return redirect_private_files(tmp_path, monkeypatch, settings)
