"""`manage.py move_private_uploads`: an existing deployment's proofs and roster files (stored under
MEDIA_ROOT before the fields became private) are moved to the private root under the same name; running it
again changes nothing; a file found nowhere is reported; a public copy left behind is cleaned up."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.registry.models import RosterImport, UnitApplication
from tests.factories import CommunityFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PROOF = "proofs/2025/03/co_owner-1.png"
ROSTER = "roster-imports/2025/03/roster-sunny.xlsx"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("move_private_uploads", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _write(root: Path, name: str, data: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def legacy(private_files):
    """Two rows whose files are still where the old public storage put them (under MEDIA_ROOT)."""
    unit = UnitFactory()
    application = UnitApplication.objects.create(kind="co_owner", community=unit.community, unit=unit,
                                                 user=UserFactory(), name="王共有", phone="13955556666", proof=PROOF)
    imp = RosterImport.objects.create(community=CommunityFactory(), file=ROSTER, original_name="名册.xlsx")
    _write(private_files.media, PROOF, b"\x89PNG proof bytes")
    _write(private_files.media, ROSTER, b"PK roster bytes")
    return application, imp


def test_files_under_media_root_are_moved_to_the_private_root(private_files, legacy):
    application, imp = legacy

    out, err = run()

    application.refresh_from_db()
    imp.refresh_from_db()
    assert (application.proof.name, imp.file.name) == (PROOF, ROSTER)  # the rows keep their names
    assert Path(application.proof.path).read_bytes() == b"\x89PNG proof bytes"
    assert Path(imp.file.path).read_bytes() == b"PK roster bytes"
    assert Path(application.proof.path).is_relative_to(private_files.root)
    assert private_files.media_files() == []
    assert f"已移动：registry.UnitApplication.proof {PROOF}" in out
    assert f"已移动：registry.RosterImport.file {ROSTER}" in out
    assert "已移动 2 个文件；已在私有目录 0 个" in out and err == ""


def test_running_it_again_changes_nothing(private_files, legacy):
    run()
    before = sorted((p.relative_to(private_files.root), p.read_bytes()) for p in private_files.root.rglob("*")
                    if p.is_file())

    out, err = run()

    after = sorted((p.relative_to(private_files.root), p.read_bytes()) for p in private_files.root.rglob("*")
                   if p.is_file())
    assert after == before and private_files.media_files() == []
    assert "已移动 0 个文件；已在私有目录 2 个（其中清理公开副本 0 个）；找不到 0 个" in out and err == ""


def test_a_dry_run_reports_and_moves_nothing(private_files, legacy):
    out, _ = run("--dry-run")

    assert f"将移动：registry.UnitApplication.proof {PROOF}" in out and "将移动 2 个文件" in out
    assert len(private_files.media_files()) == 2 and not private_files.root.exists()


def test_a_missing_file_is_reported_and_a_leftover_public_copy_is_cleaned(private_files, legacy):
    # given the proof was already moved but an interrupted run left its public copy, and the roster file is lost
    _write(private_files.root, PROOF, b"\x89PNG proof bytes")
    (private_files.media / ROSTER).unlink()

    out, err = run()

    assert f"已清理公开副本：registry.UnitApplication.proof {PROOF}" in out
    assert f"找不到文件：registry.RosterImport.file {ROSTER}" in err
    assert "已移动 0 个文件；已在私有目录 1 个（其中清理公开副本 1 个）；找不到 1 个" in out
    assert private_files.media_files() == [] and (private_files.root / PROOF).read_bytes() == b"\x89PNG proof bytes"


def test_a_public_copy_that_differs_from_the_private_file_is_left_for_a_person_to_decide(private_files, legacy):
    _write(private_files.root, PROOF, b"\x89PNG another proof")

    out, err = run()

    assert f"不一致，未处理：registry.UnitApplication.proof {PROOF}" in err
    assert (private_files.media / PROOF).read_bytes() == b"\x89PNG proof bytes"
    assert (private_files.root / PROOF).read_bytes() == b"\x89PNG another proof"
    assert "公开副本与私有文件不一致 1 个" in out


def test_it_refuses_a_private_root_inside_media_root(private_files, legacy, settings):
    settings.MEDIA_ROOT = str(private_files.root.parent)

    with pytest.raises(CommandError, match="私有目录位于 MEDIA_ROOT 之内"):
        run()

    assert (private_files.media / PROOF).exists()
