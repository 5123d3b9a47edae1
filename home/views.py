"""The routes of a community home (see `CommunityPage`): archive, bylaws, bulletin board, feedback and
the activation checklist. Each view parses input, asks a selector or calls a service, and renders.

Files are only ever served here, after the check, with `FileResponse` (never a /media/ URL).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect

from governance.errors import DomainError
from portal.params import parse_id

from . import permissions, selectors, services
from .forms import ArchiveFilterForm, ChecklistForm, FeedbackForm
from .models import BylawKind, FeedbackCategory
from portal.storage import private_file_response


def _subpage_url(page, name: str, *args) -> str:
    return page.url + page.reverse_subpage(name, args=args)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _file_response(fieldfile, *, content_type: str, filename: str, download: bool = False) -> FileResponse:
    """Inline (PDF and images preview in the page) unless a download is asked for."""
    response = private_file_response(fieldfile, content_type=content_type, filename=filename, as_attachment=download)
    response["X-Frame-Options"] = "SAMEORIGIN"  # the detail page previews it in an <iframe>
    return response


# --- archive ---------------------------------------------------------------------------------------


def archive_index(page, request):
    community = page.community
    reachable = selectors.archive_documents_for(request.user, community)
    form = ArchiveFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    documents = list(selectors.archive_search(reachable, **filters))
    return page.render(request, template="home/archive_index.html", context_overrides={
        "form": form,
        "filters": filters,
        "documents": documents,
        "groups": selectors.archive_groups(documents),
        "years": selectors.archive_years(reachable),
        "is_member": permissions.can_view_archive(request.user, community),
        "can_manage": permissions.can_manage_community_content(request.user, community),
    })


def _reachable_document(page, request, document_id: int):
    return get_object_or_404(
        selectors.archive_documents_for(request.user, page.community).select_related("uploaded_by"), pk=document_id)


def archive_detail(page, request, document_id: int):
    document = _reachable_document(page, request, document_id)
    return page.render(request, template="home/archive_detail.html", context_overrides={
        "document": document,
        "file_url": _subpage_url(page, "archive_file", document.pk),
    })


def archive_file(page, request, document_id: int):
    document = _reachable_document(page, request, document_id)
    filename = f"{document.title}.{_extension(document.file.name)}"
    return _file_response(document.file, content_type=document.content_type, filename=filename,
                          download=request.GET.get("download") == "1")


# --- bylaws ----------------------------------------------------------------------------------------


def _bylaw(page, kind: str):
    if kind not in BylawKind.values:
        raise Http404
    entry = next(entry for entry in selectors.bylaws_of(page.community) if entry.kind == kind)
    if not entry.present:
        raise Http404
    return entry.bylaw


def bylaw_detail(page, request, kind: str):
    bylaw = _bylaw(page, kind)
    return page.render(request, template="home/bylaw_detail.html", context_overrides={
        "bylaw": bylaw,
        "file_url": _subpage_url(page, "bylaw_file", kind) if bylaw.file else "",
        "is_pdf": bylaw.content_type == "application/pdf",
    })


def bylaw_file(page, request, kind: str):
    bylaw = _bylaw(page, kind)
    if not bylaw.file:
        raise Http404
    filename = f"{bylaw.full_title}.{_extension(bylaw.file.name)}"
    return _file_response(bylaw.file, content_type=bylaw.content_type, filename=filename,
                          download=request.GET.get("download") == "1")


# --- bulletin board --------------------------------------------------------------------------------


def bulletin_index(page, request):
    community = page.community
    items = selectors.bulletin_items_of(community)
    types = list(selectors.bulletin_types_for(community))
    selected = None
    type_id = parse_id(request.GET.get("type"))
    if type_id is not None:
        selected = next((t for t in types if t.pk == type_id), None)
        if selected is not None:
            items = items.filter(type=selected)
    return page.render(request, template="home/bulletin_index.html", context_overrides={
        "items": list(items), "types": types, "selected_type": selected,
    })


def bulletin_detail(page, request, item_id: int):
    item = get_object_or_404(selectors.bulletin_items_of(page.community), pk=item_id)
    return page.render(request, template="home/bulletin_detail.html", context_overrides={"item": item})


# --- feedback --------------------------------------------------------------------------------------


def feedback(page, request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    community = page.community
    allowed = permissions.can_submit_feedback(request.user, community)
    form = FeedbackForm(request.POST or None, initial={"category": FeedbackCategory.SUGGESTION})
    if request.method == "POST":
        if not allowed:
            raise Http404
        if form.is_valid():
            try:
                services.feedback_submit(community=community, user=request.user,
                                         category=form.cleaned_data["category"], content=form.cleaned_data["content"])
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "感谢您的反馈，我们会尽快回复。")
                return redirect(_subpage_url(page, "feedback"))
    return page.render(request, template="home/feedback.html", context_overrides={
        "form": form,
        "allowed": allowed,
        "my_feedback": list(selectors.my_feedback(request.user, community)),
    })


# --- activation checklist ---------------------------------------------------------------------------


def checklist(page, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    community = page.community
    if not permissions.can_manage_checklist(request.user, community):
        raise Http404
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_set(community=community, actor=request.user,
                                   nda_signed=form.cleaned_data["nda_signed"],
                                   roster_authorized=form.cleaned_data["roster_authorized"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "开启条件已更新。")
    return redirect(page.url + "#checklist")
