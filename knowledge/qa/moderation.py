"""Moderating 业委会问答: hide (with a reason), restore, dismiss reports. Editors and superusers only.

Resolving a post resolves every open report of it. Each action is written to Wagtail's log
(`wagtail.log_actions.log`, actions registered in wagtail_hooks.py) and the author is told when a post is
hidden. Hiding a question takes it out of the search index; hiding or restoring an answer re-indexes its
question (its text is part of the question's document), keeps `answer_count` and `solved` right.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log

from governance.errors import DomainError, ErrorCode
from governance.office.services import notify_user

from . import permissions
from .models import HIDDEN_REASON_MAX, Answer, PostStatus, Question, ReportResolution, ReportStatus
from .services import (
    lock_answer_question_first,
    deny,
    excerpt,
    open_reports_of,
    refresh_solved,
    reindex_question,
    require_user,
)

LOG_ACTIONS = {
    "qa.hide": "隐藏问答内容",
    "qa.auto_hide": "因举报自动隐藏",
    "qa.restore": "恢复显示问答内容",
    "qa.dismiss": "驳回举报",
}


def _kind(post) -> str:
    return "回答" if isinstance(post, Answer) else "问题"


def _question_of(post) -> Question:
    return post.question if isinstance(post, Answer) else post


def _after_visibility_change(post, *, shown: bool) -> None:
    """Counters, the solved flag and the index after `post` was hidden (shown=False) or shown again."""
    question = _question_of(post)
    if isinstance(post, Answer):
        Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + (1 if shown else -1))
        refresh_solved(question)
        question.refresh_from_db()
    reindex_question(question)


def _resolve_reports(post, *, actor, resolution: str) -> int:
    return open_reports_of(post).update(status=ReportStatus.RESOLVED, resolution=resolution, resolved_by=actor,
                                        resolved_at=timezone.now())


def hide_post(post, *, actor, reason: str, pending_review: bool = False, action: str = "qa.hide",
              data: dict | None = None) -> None:
    """Hide a locked, visible post (the caller checked who may). Tells the author after the commit."""
    post.status = PostStatus.HIDDEN
    post.hidden_reason = reason[:HIDDEN_REASON_MAX]
    post.hidden_at = timezone.now()
    post.hidden_by = actor
    post.pending_review = pending_review
    post.save(update_fields=["status", "hidden_reason", "hidden_at", "hidden_by", "pending_review"])
    _after_visibility_change(post, shown=False)
    log(post, action, user=actor, data={"reason": post.hidden_reason, **(data or {})})
    question = _question_of(post)
    what = f"您的{_kind(post)}" + (f"“{excerpt(question.title)}”" if post is question else f"（问题“{excerpt(question.title)}”下）")
    if pending_review:
        body = f"{what}被多位用户举报，已暂时隐藏，等待管理员审核。"
    else:
        body = f"{what}已被管理员隐藏。原因：{post.hidden_reason}"
    notify_user(user=post.author, title=f"您的{_kind(post)}已被隐藏", body=body, link=post.get_absolute_url(),
                community=question.community, source=post)


def _show_post(post) -> None:
    post.status = PostStatus.VISIBLE
    post.hidden_reason = ""
    post.hidden_at = None
    post.hidden_by = None
    post.pending_review = False
    post.save(update_fields=["status", "hidden_reason", "hidden_at", "hidden_by", "pending_review"])
    _after_visibility_change(post, shown=True)


def _lock(post):
    if isinstance(post, Answer):
        locked = lock_answer_question_first(post.pk)
    else:
        locked = Question.objects.select_for_update().filter(pk=post.pk).first()
    if locked is None:
        raise DomainError(ErrorCode.NOT_FOUND, "内容不存在。")
    if isinstance(locked, Answer):
        locked = Answer.objects.select_related("question__community").get(pk=locked.pk)
    return locked


def _require_moderator(actor) -> None:
    require_user(actor)
    if not permissions.is_moderator(actor):
        raise deny("只有内容编辑和平台管理员可以处理问答内容。")


@transaction.atomic
def post_hide(*, post, actor, reason: str):
    """Hide a question or an answer with a reason; confirms an automatic hide. Resolves its open reports as 已隐藏."""
    _require_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, "请填写隐藏原因。", field="reason")
    if len(reason) > HIDDEN_REASON_MAX:
        raise DomainError(ErrorCode.INVALID, f"隐藏原因不能超过 {HIDDEN_REASON_MAX} 个字。", field="reason")
    post = _lock(post)
    if post.is_hidden and not post.pending_review:
        raise DomainError(ErrorCode.INVALID, "该内容已被隐藏。")
    resolved = _resolve_reports(post, actor=actor, resolution=ReportResolution.HIDDEN)
    if post.is_hidden:  # hidden automatically, pending review: the moderator confirms it with a reason
        post.hidden_reason = reason
        post.hidden_by = actor
        post.pending_review = False
        post.save(update_fields=["hidden_reason", "hidden_by", "pending_review"])
        log(post, "qa.hide", user=actor, data={"reason": reason, "reports": resolved, "confirmed": True})
        question = _question_of(post)
        notify_user(user=post.author, title=f"您的{_kind(post)}已被隐藏",
                    body=f"经管理员审核，您的{_kind(post)}不再显示。原因：{reason}", link=post.get_absolute_url(),
                    community=question.community, source=post)
    else:
        hide_post(post, actor=actor, reason=reason, data={"reports": resolved})
    return post


@transaction.atomic
def post_restore(*, post, actor):
    """Show a hidden question or answer again. Its open reports are resolved as 已驳回."""
    _require_moderator(actor)
    post = _lock(post)
    if post.is_visible:
        raise DomainError(ErrorCode.INVALID, "该内容没有被隐藏。")
    resolved = _resolve_reports(post, actor=actor, resolution=ReportResolution.DISMISSED)
    _show_post(post)
    log(post, "qa.restore", user=actor, data={"reports": resolved})
    return post


@transaction.atomic
def reports_dismiss(*, post, actor) -> int:
    """The reports of a post are unfounded: resolve every open one as 已驳回; a post hidden automatically while
    pending review is shown again. Returns how many reports were resolved."""
    _require_moderator(actor)
    post = _lock(post)
    resolved = _resolve_reports(post, actor=actor, resolution=ReportResolution.DISMISSED)
    if not resolved:
        raise DomainError(ErrorCode.INVALID, "该内容没有待处理的举报。")
    if post.is_hidden and post.pending_review:
        _show_post(post)
    log(post, "qa.dismiss", user=actor, data={"reports": resolved})
    return resolved
