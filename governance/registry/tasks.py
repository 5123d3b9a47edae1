"""Background work of the registry (huey)."""

from __future__ import annotations

import io
import logging

from django.utils import timezone
from huey.contrib.djhuey import db_task

from governance.errors import DomainError, ErrorCode

from .models import RosterImport

logger = logging.getLogger(__name__)

PROGRESS_MIN_STEP = 200


class _NamedBytes(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


def _failure(imp: RosterImport, message: str) -> dict:
    from .roster.imports import ImportReport
    from .roster.parse import Problem

    report = ImportReport(community_id=imp.community_id, dry_run=imp.dry_run, source_name=imp.original_name)
    report.errors.append(Problem(None, "", message))
    return report.to_dict()


def _actor(imp: RosterImport):
    """Who the import runs as: whoever confirmed it, else the uploader. Checked again by the service."""
    from portal.accounts.models import User

    confirmed_by = (imp.report or {}).get("confirmed_by") if not imp.dry_run else None
    if confirmed_by:
        return User.objects.filter(pk=confirmed_by).first()
    return imp.created_by


def run_roster_import(import_id: int) -> RosterImport | None:
    """Run one RosterImport (preview or real import) if it is still pending. Safe to call twice.

    The row is claimed by moving it from 排队中 to 校验中/导入中 in one UPDATE, so a second call
    (a retry, a duplicate message) finds nothing to do. Progress is written as rows are read.
    """
    from .roster.imports import roster_import

    imp = RosterImport.objects.select_related("community", "created_by").filter(pk=import_id).first()
    if imp is None:
        return None
    working = RosterImport.Status.VALIDATING if imp.dry_run else RosterImport.Status.RUNNING
    claimed = RosterImport.objects.filter(pk=imp.pk, status=RosterImport.Status.PENDING).update(
        status=working, processed_rows=0
    )
    if not claimed:
        return imp
    imp.status = working
    last = {"done": -PROGRESS_MIN_STEP}

    def progress(done: int, total: int) -> None:
        if done - last["done"] >= PROGRESS_MIN_STEP or done >= total:
            last["done"] = done
            RosterImport.objects.filter(pk=imp.pk).update(processed_rows=done, total_rows=total)

    extra = {key: value for key, value in (imp.report or {}).items() if key == "confirmed_by"}
    actor = _actor(imp)
    try:
        if actor is None:
            raise DomainError(ErrorCode.PERMISSION_DENIED, "上传或确认导入的账户已不存在，请重新上传。")
        with imp.file.open("rb") as handle:
            data = handle.read()
        report = roster_import(
            community=imp.community, source=_NamedBytes(data, imp.original_name or imp.file.name),
            actor=actor, dry_run=imp.dry_run, progress=progress,
        )
        result = report.to_dict()
        rows = report.counts["rows"]
        if report.errors:
            status = RosterImport.Status.FAILED
        else:
            status = RosterImport.Status.PREVIEWED if imp.dry_run else RosterImport.Status.DONE
    except DomainError as exc:
        result, rows, status = _failure(imp, exc.message), 0, RosterImport.Status.FAILED
    except Exception:  # the report must say something rather than leave the page spinning
        logger.exception("roster import %s failed", imp.pk)
        result, rows = _failure(imp, "导入失败：系统错误，请稍后重试或联系管理员。"), 0
        status = RosterImport.Status.FAILED
    RosterImport.objects.filter(pk=imp.pk).update(
        status=status, report={**result, **extra}, processed_rows=rows, total_rows=rows,
        finished_at=timezone.now(),
    )
    imp.refresh_from_db()
    return imp


@db_task()
def roster_import_task(import_id: int) -> None:
    """Preview or import an uploaded roster (RosterImport id). Safe to run twice."""
    run_roster_import(import_id)
