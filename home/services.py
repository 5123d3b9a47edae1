"""Writes of the community pages: the page tree kept in step with the registry (a site root and one
page per community), bylaws, the archive, feedback and the activation checklist."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.office.services import notify_user
from portal.privacy import contains_personal_info, privacy_message
from portal.uploads import DOCUMENT_TYPES, IMAGE_TYPES, MB, UploadPolicy, validate_upload

from . import permissions
from .forms import FEEDBACK_MAX_CHARS
from .models import (
    ActivationChecklist,
    ArchiveCategory,
    ArchiveDocument,
    Bylaw,
    BylawKind,
    CommunityPage,
    Feedback,
    FeedbackCategory,
    FeedbackStatus,
    HomePage,
)

log = logging.getLogger(__name__)


def _default_moderation_workflow(root: Page) -> None:
    """What Wagtail's initial data sets up and a flush removes: the 审核员审批 workflow on the root, one approval
    task by the 审核员 group (editors' changes and case submissions go through it)."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    from .editorial import MODERATION_WORKFLOW, moderators_group

    task = GroupApprovalTask.objects.create(name=MODERATION_WORKFLOW)
    task.groups.set([moderators_group()])
    workflow = Workflow.objects.create(name=MODERATION_WORKFLOW)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


@transaction.atomic
def ensure_site_root() -> HomePage:
    """Make a HomePage the default site's root, replacing Wagtail's welcome page. Idempotent."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if not Collection.objects.exists():  # a flushed database has no root collection for documents either
            Collection.add_root(name="Root")
        if root is None:  # a flushed database (e.g. after transactional tests) has no tree at all
            Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
            _default_moderation_workflow(root)
        for child in root.get_children():
            if type(child.specific) is Page and child.slug == "home":
                child.delete()
        root = Page.objects.get(pk=root.pk)
        home = root.add_child(instance=HomePage(title="小区治理", slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="小区治理")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


@transaction.atomic
def ensure_community_page(community) -> CommunityPage:
    page = CommunityPage.objects.filter(community=community).first()
    if page is not None:
        return page
    home = ensure_site_root()
    page = CommunityPage(title=community.name, slug=community.code, community=community)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def community_page_for_new_community(*, community, **_signal) -> None:
    """Listener of `governance.registry.signals.community_created`: every community gets its home page."""
    ensure_community_page(community)


# --- community records: bylaws, archive, feedback, activation checklist ------------------------------
#
# Every write below is keyword-only, atomic, checks permission through `home.permissions`, validates,
# writes and records one audit event (`governance.audit.services.audit_record`).


ARCHIVE_UPLOAD = UploadPolicy("档案文件", {**DOCUMENT_TYPES, **IMAGE_TYPES}, 50 * MB)
BYLAW_UPLOAD = UploadPolicy("规约文件", {**DOCUMENT_TYPES, **IMAGE_TYPES}, 20 * MB)

MAX_EXTRACTED_CHARS = 500_000
REPLY_MAX_CHARS = 2000
FEEDBACK_PER_DAY = 20
MIN_YEAR = 1949


def _deny() -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")


def _mime_of(name: str, policy: UploadPolicy) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return next(mime for mime, known in policy.allowed.items() if known == ext)


def _read(content) -> bytes:
    content.seek(0)
    data = content.read()
    content.seek(0)
    return data


def _original_name(upload) -> str:
    return PurePath(str(getattr(upload, "name", "") or "")).name[:200]


def extract_pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf), at most MAX_EXTRACTED_CHARS. An unreadable PDF gives "" and a log line."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_EXTRACTED_CHARS:
                break
        return "\n".join(parts)[:MAX_EXTRACTED_CHARS].replace("\x00", "")
    except Exception:
        log.warning("could not extract the text of an archive PDF", exc_info=True)
        return ""


def _clean_title(title: str, *, field: str = "title", max_length: int = 200) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(ErrorCode.INVALID, "标题不能为空。", field=field)
    if len(title) > max_length:
        raise DomainError(ErrorCode.INVALID, f"标题不能超过 {max_length} 个字。", field=field)
    return title


def _clean_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID, "请填写正确的年份。", field="year") from None
    latest = timezone.localdate().year + 1
    if not MIN_YEAR <= year <= latest:
        raise DomainError(ErrorCode.INVALID, f"年份须在 {MIN_YEAR}–{latest} 之间。", field="year")
    return year


def _clean_category(category: str) -> str:
    if category not in ArchiveCategory.values:
        raise DomainError(ErrorCode.INVALID, "请选择档案类别。", field="category")
    return category


# --- bylaws (三项规约) ------------------------------------------------------------------------------


@transaction.atomic
def bylaw_save(
    *, community, kind: str, actor, upload=None, body: str | None = None, adopted_on=None,
    remove_file: bool = False,
) -> Bylaw:
    """Upload (or replace) a bylaw's document and/or set its text. One row per community and kind."""
    if not permissions.can_manage_community_content(actor, community):
        raise _deny()
    if kind not in BylawKind.values:
        raise DomainError(ErrorCode.INVALID, "请选择规约类型。", field="kind")
    bylaw, _created = Bylaw.objects.select_for_update().get_or_create(community=community, kind=kind)
    changed: dict = {}
    if upload is not None:
        content = validate_upload(upload, BYLAW_UPLOAD, name_stem=f"{community.code}-{kind}-{uuid.uuid4().hex[:8]}")
        bylaw.content_type = _mime_of(content.name, BYLAW_UPLOAD)
        bylaw.file.save(content.name, content, save=False)
        changed["file"] = bylaw.content_type
    elif remove_file and bylaw.file:
        bylaw.file = ""
        bylaw.content_type = ""
        changed["file"] = "removed"
    if body is not None and body != bylaw.body:
        bylaw.body = body
        changed["body"] = "updated"
    if adopted_on is not None and adopted_on != bylaw.adopted_on:
        bylaw.adopted_on = adopted_on
        changed["adopted_on"] = adopted_on
    if not bylaw.is_present:
        raise DomainError(ErrorCode.INVALID, "请上传规约文件或填写正文。", field="file")
    bylaw.updated_by = actor
    bylaw.save()
    audit_record(community=community, actor=actor, action="home.bylaw.save", obj=bylaw,
                 summary={"kind": kind, **changed})
    return bylaw


# --- archive (小区档案) -----------------------------------------------------------------------------


@transaction.atomic
def archive_upload(
    *, community, actor, title: str, category: str, year, upload, is_public: bool = False,
) -> ArchiveDocument:
    """File a document (PDF or image) in a community's archive; a PDF's text is extracted for search."""
    if not permissions.can_manage_community_content(actor, community):
        raise _deny()
    title = _clean_title(title)
    category = _clean_category(category)
    year = _clean_year(year)
    content = validate_upload(upload, ARCHIVE_UPLOAD, name_stem=f"{community.code}-{uuid.uuid4().hex[:12]}")
    mime = _mime_of(content.name, ARCHIVE_UPLOAD)
    data = _read(content)
    document = ArchiveDocument(
        community=community, title=title, category=category, year=year, content_type=mime,
        original_name=_original_name(upload), size=len(data), is_public=bool(is_public),
        extracted_text=extract_pdf_text(data) if mime == "application/pdf" else "", uploaded_by=actor,
    )
    document.file.save(content.name, content, save=False)
    document.save()
    audit_record(community=community, actor=actor, action="home.archive.upload", obj=document,
                 summary={"category": category, "year": year, "is_public": document.is_public,
                          "content_type": mime, "size": len(data)})
    return document


def _locked_document(document: ArchiveDocument) -> ArchiveDocument:
    return ArchiveDocument.objects.select_for_update().select_related("community").get(pk=document.pk)


@transaction.atomic
def archive_update(*, document: ArchiveDocument, actor, title: str | None = None, category: str | None = None,
                   year=None) -> ArchiveDocument:
    """Correct a filed document's title, category or year (the file itself is never replaced)."""
    document = _locked_document(document)
    if not permissions.can_manage_community_content(actor, document.community):
        raise _deny()
    changed: dict = {}
    if title is not None and _clean_title(title) != document.title:
        document.title = changed["title"] = _clean_title(title)
    if category is not None and _clean_category(category) != document.category:
        document.category = changed["category"] = category
    if year is not None and _clean_year(year) != document.year:
        document.year = changed["year"] = _clean_year(year)
    if changed:
        document.save(update_fields=list(changed))
        audit_record(community=document.community, actor=actor, action="home.archive.update", obj=document,
                     summary=changed)
    return document


@transaction.atomic
def archive_set_public(*, document: ArchiveDocument, actor, is_public: bool) -> ArchiveDocument:
    """Make a document public (anyone may read it) or private again (members only)."""
    document = _locked_document(document)
    if not permissions.can_manage_community_content(actor, document.community):
        raise _deny()
    if document.is_public != bool(is_public):
        document.is_public = bool(is_public)
        document.save(update_fields=["is_public"])
        audit_record(community=document.community, actor=actor, action="home.archive.set_public", obj=document,
                     summary={"is_public": document.is_public})
    return document


# --- feedback (意见反馈) ----------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(*, community, user, category: str, content: str) -> Feedback:
    """A member sends feedback to the community's staff."""
    if not permissions.can_submit_feedback(user, community):
        raise _deny()
    if category not in FeedbackCategory.values:
        raise DomainError(ErrorCode.INVALID, "请选择反馈类别。", field="category")
    content = (content or "").strip()
    if not content:
        raise DomainError(ErrorCode.INVALID, "请填写反馈内容。", field="content")
    if contains_personal_info(content):
        raise DomainError(ErrorCode.INVALID, privacy_message("反馈内容"), field="content")
    if len(content) > FEEDBACK_MAX_CHARS:
        raise DomainError(ErrorCode.INVALID, f"反馈内容不能超过 {FEEDBACK_MAX_CHARS} 个字。", field="content")
    recent = Feedback.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(days=1)).count()
    if recent >= FEEDBACK_PER_DAY:
        raise DomainError(ErrorCode.RATE_LIMITED, "今天提交的反馈太多了，请明天再试。")
    feedback = Feedback.objects.create(community=community, user=user, category=category, content=content)
    audit_record(community=community, actor=user, action="home.feedback.submit", obj=feedback,
                 summary={"category": category})
    return feedback


def feedback_link(feedback: Feedback) -> str:
    page = CommunityPage.objects.filter(community_id=feedback.community_id).live().first()
    if page is None or page.url is None:
        return ""
    return f"{page.url}{page.reverse_subpage('feedback')}#feedback-{feedback.pk}"


@transaction.atomic
def feedback_reply(*, feedback: Feedback, actor, reply: str) -> Feedback:
    """Staff answer a feedback; the sender gets an in-site message with the reply."""
    feedback = Feedback.objects.select_for_update().select_related("community", "user").get(pk=feedback.pk)
    if not permissions.can_handle_feedback(actor, feedback.community):
        raise _deny()
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(ErrorCode.INVALID, "请填写回复内容。", field="reply")
    if len(reply) > REPLY_MAX_CHARS:
        raise DomainError(ErrorCode.INVALID, f"回复不能超过 {REPLY_MAX_CHARS} 个字。", field="reply")
    again = feedback.status == FeedbackStatus.REPLIED
    feedback.reply = reply
    feedback.status = FeedbackStatus.REPLIED
    feedback.replied_by = actor
    feedback.replied_at = timezone.now()
    feedback.save(update_fields=["reply", "status", "replied_by", "replied_at"])
    audit_record(community=feedback.community, actor=actor, action="home.feedback.reply", obj=feedback,
                 summary={"again": again})
    notify_user(
        user=feedback.user, title="您的意见反馈已有回复", body=f"您反馈的“{feedback.content[:30]}”已回复：{reply}",
        link=feedback_link(feedback), community=feedback.community, source=feedback,
    )
    return feedback


# --- activation checklist (开启条件) ----------------------------------------------------------------


@transaction.atomic
def checklist_set(*, community, actor, nda_signed: bool | None = None,
                  roster_authorized: bool | None = None) -> ActivationChecklist:
    """Tick or untick the manual items of the activation checklist."""
    if not permissions.can_manage_checklist(actor, community):
        raise _deny()
    ActivationChecklist.objects.get_or_create(community=community)
    checklist = ActivationChecklist.objects.select_for_update().get(community=community)
    now = timezone.now()
    changed: dict = {}
    if nda_signed is not None and bool(nda_signed) != checklist.nda_signed:
        checklist.nda_signed = changed["nda_signed"] = bool(nda_signed)
        checklist.nda_signed_at = now if nda_signed else None
    if roster_authorized is not None and bool(roster_authorized) != checklist.roster_authorized:
        checklist.roster_authorized = changed["roster_authorized"] = bool(roster_authorized)
        checklist.roster_authorized_at = now if roster_authorized else None
    if changed:
        checklist.updated_by = actor
        checklist.save()
        audit_record(community=community, actor=actor, action="home.checklist.update", obj=checklist,
                     summary=changed)
    return checklist
