"""Wagtail admin pages for the roster upload (名册导入): upload → preview → confirm → progress.

Plain Django views; `roster_admin_urls()` is registered through Wagtail's
`register_admin_urls` hook, which adds Wagtail's admin-access check around them. Every
view scopes by the communities where the user may manage the registry, so another
community's imports are not found (404) and cannot be uploaded to (403).
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from governance.errors import DomainError, ErrorCode
from governance.registry import roles
from portal.params import parse_id
from portal.uploads import ROSTER, validate_upload

from .models import Community, RosterImport
from .permissions import can_download_roster_import
from .private_files import file_response
from .roster import ImportReport, roster_export_bytes, roster_template_bytes
from .tasks import roster_import_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_LISTED_PROBLEMS = 500
FINISHED = {RosterImport.Status.PREVIEWED, RosterImport.Status.DONE, RosterImport.Status.FAILED}

admin_login_required = login_required(login_url="wagtailadmin_login")


def _imports_for(user):
    return RosterImport.objects.filter(community__in=roles.can_manage_registry.communities(user)).select_related("community")


def _forbidden(request):
    return HttpResponseForbidden(gettext("您没有权限管理该小区的业主名册。"))


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class RosterUploadForm(forms.Form):
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), label=_("小区"), empty_label=_("请选择小区"),
        error_messages={"invalid_choice": _("请选择您有权管理的小区。")},
    )
    file = forms.FileField(label=_("名册文件"), help_text=_(
        "使用业主名册模板填写的 .xlsx 文件，或另存为 CSV（UTF-8 或 GB18030）的 .csv 文件，不超过 30 MB。"
    ))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = roles.can_manage_registry.communities(user).order_by("code")


def _enqueue(imp: RosterImport) -> None:
    transaction.on_commit(lambda: roster_import_task(imp.pk))


# --- views --------------------------------------------------------------------------------------


@admin_login_required
def roster_upload(request):
    """Choose a community and a file; the file is checked in the background (dry run) for the preview."""
    communities = roles.can_manage_registry.communities(request.user)
    if not communities.exists():
        return _forbidden(request)
    if request.method == "POST":
        posted = request.POST.get("community")
        if posted and not communities.filter(pk=posted if str(posted).isdigit() else None).exists():
            return _forbidden(request)
        form = RosterUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            community = form.cleaned_data["community"]
            upload = form.cleaned_data["file"]
            try:
                clean = validate_upload(
                    upload, ROSTER, name_stem=f"roster-{community.code}-{timezone.now():%Y%m%d%H%M%S}"
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                with transaction.atomic():
                    imp = RosterImport(
                        community=community, original_name=(upload.name or "")[:200], dry_run=True,
                        status=RosterImport.Status.PENDING, created_by=request.user,
                    )
                    imp.file.save(clean.name, clean, save=False)
                    imp.save()
                    _enqueue(imp)
                return redirect("roster_progress", import_id=imp.pk)
    else:
        initial = {}
        if communities.count() == 1:
            initial["community"] = communities.first()
        form = RosterUploadForm(user=request.user, initial=initial)
    recent = _imports_for(request.user).order_by("-created_at")[:10]
    return render(request, "registry/roster/upload.html", {
        "form": form, "recent": recent, "communities": communities,
        "page_title": _("业主名册导入"),
    })


@admin_login_required
@require_GET
def roster_preview(request, import_id: int):
    """The dry-run preview (or the final result): counts, and every problem as 第N行 列名: 原因."""
    imp = get_object_or_404(_imports_for(request.user), pk=import_id)
    if imp.status not in FINISHED:
        return redirect("roster_progress", import_id=imp.pk)
    report = ImportReport.from_dict(imp.report or {})
    can_confirm = imp.status == RosterImport.Status.PREVIEWED and report.ok and imp.dry_run
    return render(request, "registry/roster/preview.html", {
        "imp": imp, "report": report, "counts": report.counts, "can_confirm": can_confirm,
        "errors": [str(problem) for problem in report.errors[:MAX_LISTED_PROBLEMS]],
        "more_errors": max(len(report.errors) - MAX_LISTED_PROBLEMS, 0),
        "warnings": [str(problem) for problem in report.warnings[:MAX_LISTED_PROBLEMS]],
        "changed": report.changed[:MAX_LISTED_PROBLEMS],
        "more_changed": max(len(report.changed) - MAX_LISTED_PROBLEMS, 0),
        "page_title": _("名册导入结果") if imp.status == RosterImport.Status.DONE else _("名册导入预览"),
    })


@admin_login_required
@require_POST
def roster_confirm(request, import_id: int):
    """Turn a clean preview into the real import, run in the background."""
    with transaction.atomic():
        imp = get_object_or_404(_imports_for(request.user).select_for_update(of=("self",)), pk=import_id)
        report = ImportReport.from_dict(imp.report or {})
        if not (imp.dry_run and imp.status == RosterImport.Status.PREVIEWED and report.ok):
            messages.error(request, _("该名册不能导入：只有校验无误的预览可以确认导入。"))
            return redirect("roster_preview", import_id=imp.pk)
        if not roles.can_manage_registry(request.user, imp.community):
            return _forbidden(request)
        imp.dry_run = False
        imp.status = RosterImport.Status.PENDING
        imp.processed_rows = 0
        imp.finished_at = None
        imp.report = {**(imp.report or {}), "confirmed_by": request.user.pk}
        imp.save(update_fields=["dry_run", "status", "processed_rows", "finished_at", "report"])
        _enqueue(imp)
    return redirect("roster_progress", import_id=imp.pk)


@admin_login_required
@require_GET
def roster_progress(request, import_id: int):
    """A progress bar that polls `roster_status` and moves on to the result when finished."""
    imp = get_object_or_404(_imports_for(request.user), pk=import_id)
    if imp.status in FINISHED:
        return redirect("roster_preview", import_id=imp.pk)
    return render(request, "registry/roster/progress.html", {
        "imp": imp, "status": _status_payload(imp), "page_title": _("名册处理中"),
    })


@admin_login_required
@require_GET
def roster_status(request, import_id: int):
    imp = get_object_or_404(_imports_for(request.user), pk=import_id)
    return JsonResponse(_status_payload(imp))


def _status_payload(imp: RosterImport) -> dict:
    total, done = imp.total_rows, imp.processed_rows
    finished = imp.status in FINISHED
    percent = 100 if finished else (min(int(done * 100 / total), 99) if total else 0)
    report = imp.report or {}
    return {
        "id": imp.pk,
        "status": imp.status,
        "status_label": str(imp.get_status_display()),
        "dry_run": imp.dry_run,
        "processed_rows": done,
        "total_rows": total,
        "percent": percent,
        "finished": finished,
        "errors": len(report.get("errors", [])) if finished else 0,
        "next_url": reverse("roster_preview", args=[imp.pk]),
    }


@admin_login_required
@require_GET
def roster_template(request):
    """The empty template; `?community=<id>` names the file after one of the user's communities."""
    filename = "业主名册模板.xlsx"
    community_id = request.GET.get("community")
    if community_id:
        community = get_object_or_404(
            roles.can_manage_registry.communities(request.user), pk=parse_id(community_id)
        )
        filename = f"业主名册模板-{community.code}.xlsx"
    elif not roles.can_manage_registry.communities(request.user).exists():
        return _forbidden(request)
    return _xlsx_response(roster_template_bytes(), filename)


@admin_login_required
@require_GET
def roster_export(request, community_id: int):
    """The community's roster in the template format (full phone numbers: registry managers only, every
    download on the audit trail)."""
    community = get_object_or_404(roles.can_manage_registry.communities(request.user), pk=community_id)
    try:
        data = roster_export_bytes(community=community, actor=request.user)  # checks, writes and audits
    except DomainError as exc:
        if exc.code != ErrorCode.PERMISSION_DENIED:
            raise
        return _forbidden(request)
    return _xlsx_response(data, f"业主名册-{community.code}-{timezone.localdate():%Y%m%d}.xlsx")


@admin_login_required
@require_GET
def roster_file(request, import_id: int):
    """The uploaded file itself (names, phones, ID numbers): a private file, for the community's registry
    managers only (another community's import is a 404), always as a download."""
    imp = get_object_or_404(_imports_for(request.user), pk=import_id)
    if not can_download_roster_import(request.user, imp):
        raise Http404
    return file_response(imp.file, filename=imp.original_name or None, download=True)


def roster_admin_urls() -> list:
    """URL patterns for Wagtail's `register_admin_urls` hook (mounted under /admin/)."""
    return [
        path("roster/", roster_upload, name="roster_upload"),
        path("roster/template/", roster_template, name="roster_template"),
        path("roster/export/<id:community_id>/", roster_export, name="roster_export"),
        path("roster/imports/<id:import_id>/", roster_preview, name="roster_preview"),
        path("roster/imports/<id:import_id>/confirm/", roster_confirm, name="roster_confirm"),
        path("roster/imports/<id:import_id>/progress/", roster_progress, name="roster_progress"),
        path("roster/imports/<id:import_id>/status/", roster_status, name="roster_status"),
        path("roster/imports/<id:import_id>/file/", roster_file, name="roster_file"),
    ]
