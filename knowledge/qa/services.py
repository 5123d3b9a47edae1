"""Every write of 业委会问答: asking, answering, accepting, reporting (this module) and moderating
(`knowledge.qa.moderation`). Keyword-only, atomic; each checks permission, validates, writes, keeps the
search index in step and tells people through the in-site inbox after the commit.

    question = question_ask(author=user, community=community, title="小区维修基金怎么申请使用？", body="…")
    answer = answer_post(question=question, author=expert, body="先由业委会拟定方案……")
    answer_accept(answer=answer, actor=user)                       # accept=False un-accepts
    report_post(reporter=someone, answer=answer, reason="ad")      # enough reports hide it for review
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from wagtail.search import index

from governance.errors import DomainError, ErrorCode
from governance.office.services import notify_user
from portal.accounts.models import User
from portal.privacy import contains_personal_info, privacy_message

from . import permissions
from .models import (
    ANSWER_MAX,
    ANSWER_MIN,
    QUESTION_BODY_MAX,
    REPORT_NOTE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Answer,
    PostStatus,
    Question,
    Report,
    ReportReason,
    ReportStatus,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_QUESTIONS_PER_DAY = 10
DEFAULT_AUTO_HIDE_REPORTS = 3


def max_questions_per_day() -> int:
    return int(getattr(settings, "QA_MAX_QUESTIONS_PER_DAY", DEFAULT_MAX_QUESTIONS_PER_DAY))


def auto_hide_reports() -> int:
    return int(getattr(settings, "QA_AUTO_HIDE_REPORTS", DEFAULT_AUTO_HIDE_REPORTS))


# --- shared helpers (also used by knowledge.qa.moderation) ---------------------------------------------------


def require_user(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")


def deny(message: str = "您没有权限进行此操作。", field: str | None = None) -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, message, field=field)


def question_not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "问题不存在或已被隐藏。", field="question")


def answer_not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "回答不存在或已被隐藏。", field="answer")


def excerpt(text: str, size: int = 30) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[:size] + "…"


def reindex_question(question: Question) -> None:
    """Put the question's current title, body and visible answers into the index (or take it out when hidden)."""
    if question.is_visible:
        index.insert_or_update_object(question)
    else:
        index.remove_object(question)


def refresh_solved(question: Question) -> None:
    """`solved`: the accepted answer exists and is shown. One UPDATE, safe against concurrent changes."""
    shown = Answer.objects.filter(pk=OuterRef("accepted_answer_id"), status=PostStatus.VISIBLE)
    Question.objects.filter(pk=question.pk).update(solved=Exists(shown))


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def refuse_personal_info(text: str, *, field: str, label: str) -> None:
    if contains_personal_info(text):
        raise DomainError(ErrorCode.INVALID, privacy_message(label), field=field)


# --- asking ---------------------------------------------------------------------------------------------------


def _validate_question(title: str, body: str) -> tuple[str, str]:
    title, body = _clean_text(title), _clean_text(body)
    refuse_personal_info(title, field="title", label="标题")
    refuse_personal_info(body, field="body", label="问题说明")
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise DomainError(ErrorCode.INVALID, f"标题须为 {TITLE_MIN}–{TITLE_MAX} 个字（现在 {len(title)} 个字）。",
                          field="title")
    if len(body) > QUESTION_BODY_MAX:
        raise DomainError(ErrorCode.INVALID, f"问题说明不能超过 {QUESTION_BODY_MAX} 个字（现在 {len(body)} 个字）。",
                          field="body")
    return title, body


@transaction.atomic
def question_ask(*, author, community, title: str, body: str = "") -> Question:
    """Ask from `community` (the asker's committee community, shown as "来自 ××小区")."""
    require_user(author)
    if community is None or not permissions.can_ask(author, community):
        raise deny("只有该小区在任的业委会委员或执行秘书可以在问答中提问。", field="community")
    title, body = _validate_question(title, body)
    User.objects.select_for_update().filter(pk=author.pk).first()  # one ask at a time per user: an exact limit
    limit = max_questions_per_day()
    recent = Question.objects.filter(author=author, created_at__gte=timezone.now() - timedelta(hours=24)).count()
    if recent >= limit:
        raise DomainError(ErrorCode.RATE_LIMITED, f"24 小时内最多提问 {limit} 次，请稍后再试。")
    now = timezone.now()
    question = Question(author=author, community=community, title=title, body=body, created_at=now,
                        last_activity_at=now)
    question.save()  # indexed by Wagtail's post_save handler, inside this transaction
    return question


# --- answering ------------------------------------------------------------------------------------------------


def _lock_visible_question(question) -> Question:
    locked = (Question.objects.select_for_update().filter(pk=getattr(question, "pk", question)).first())
    if locked is None or not locked.is_visible:
        raise question_not_found()
    return locked


@transaction.atomic
def answer_post(*, question, author, body: str) -> Answer:
    """Answer a visible question. The asker is told in the inbox (unless answering himself)."""
    require_user(author)
    if not permissions.can_answer(author):
        raise deny("只有业委会委员、执行秘书和专家顾问可以回答。")
    question = _lock_visible_question(question)
    body = _clean_text(body)
    refuse_personal_info(body, field="body", label="回答内容")
    if not ANSWER_MIN <= len(body) <= ANSWER_MAX:
        raise DomainError(ErrorCode.INVALID, f"回答内容须为 {ANSWER_MIN}–{ANSWER_MAX} 个字（现在 {len(body)} 个字）。",
                          field="body")
    now = timezone.now()
    answer = Answer.objects.create(question=question, author=author, body=body, created_at=now)
    Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1, last_activity_at=now)
    question.refresh_from_db()
    reindex_question(question)
    if question.author_id != author.pk:
        notify_user(user=question.author, title="您的问题有了新回答",
                    body=f"{author} 回答了您的问题“{excerpt(question.title)}”：{excerpt(body, 60)}",
                    link=answer.get_absolute_url(), community=question.community, source=answer)
    return answer


# --- accepting ------------------------------------------------------------------------------------------------


@transaction.atomic
def answer_accept(*, answer, actor, accept: bool = True) -> Question:
    """Accept `answer` (replacing any earlier one) or, with accept=False, un-accept it. The asker only."""
    require_user(actor)
    answer = Answer.objects.filter(pk=getattr(answer, "pk", answer)).first()
    if answer is None:
        raise answer_not_found()
    question = _lock_visible_question(answer.question_id)
    if not permissions.can_accept(actor, question):
        raise deny("只有提问人可以采纳回答。")
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if accept:
        if not answer.is_visible:
            raise DomainError(ErrorCode.INVALID, "已隐藏的回答不能被采纳。", field="answer")
        if question.accepted_answer_id != answer.pk or not question.solved:
            question.accepted_answer = answer
            question.solved = True
            question.last_activity_at = timezone.now()
            question.save(update_fields=["accepted_answer", "solved", "last_activity_at"])
    elif question.accepted_answer_id == answer.pk:
        question.accepted_answer = None
        question.solved = False
        question.save(update_fields=["accepted_answer", "solved"])
    return question


# --- reporting ------------------------------------------------------------------------------------------------


def lock_answer_question_first(answer_pk):
    """Lock an answer's question, then the answer: the order every Q&A write takes (accepting locks the
    question before the answer), so a hide, a report and an accept on the same answer never deadlock."""
    question_id = Answer.objects.filter(pk=answer_pk).values_list("question_id", flat=True).first()
    if question_id is None:
        return None
    Question.objects.select_for_update().filter(pk=question_id).first()
    return Answer.objects.select_for_update(of=("self",)).select_related("question").filter(pk=answer_pk).first()


def _lock_post(question, answer):
    if (question is None) == (answer is None):
        raise DomainError(ErrorCode.INVALID, "请指定要举报的问题或回答（只能选一个）。", field="question")
    if question is not None:
        post = Question.objects.select_for_update().filter(pk=getattr(question, "pk", question)).first()
        if post is None:
            raise question_not_found()
        return post
    post = lock_answer_question_first(getattr(answer, "pk", answer))
    if post is None:
        raise answer_not_found()
    return post


def open_reports_of(post):
    field = "answer" if isinstance(post, Answer) else "question"
    return Report.objects.filter(**{field: post}, status=ReportStatus.OPEN)


@transaction.atomic
def report_post(*, reporter, question=None, answer=None, reason: str, note: str = "") -> Report:
    """Report a question or an answer the reporter can see. At settings.QA_AUTO_HIDE_REPORTS open reports from
    different people the post is hidden automatically, pending a moderator's review."""
    require_user(reporter)
    post = _lock_post(question, answer)
    if not permissions.can_report(reporter, post):
        raise question_not_found() if isinstance(post, Question) else answer_not_found()
    if not post.is_visible:
        raise DomainError(ErrorCode.INVALID, "该内容已被隐藏，无需举报。")
    if post.author_id == reporter.pk:
        raise DomainError(ErrorCode.INVALID, "不能举报自己发布的内容。")
    if reason not in ReportReason.values:
        raise DomainError(ErrorCode.INVALID, "请选择举报原因。", field="reason")
    note = _clean_text(note)
    if len(note) > REPORT_NOTE_MAX:
        raise DomainError(ErrorCode.INVALID, f"补充说明不能超过 {REPORT_NOTE_MAX} 个字。", field="note")
    target = {"answer": post} if isinstance(post, Answer) else {"question": post}
    duplicate = DomainError(ErrorCode.DUPLICATE, "您已经举报过该内容，请等待管理员处理。")
    if Report.objects.filter(reporter=reporter, **target).exists():
        raise duplicate
    try:
        with transaction.atomic():
            report = Report.objects.create(reporter=reporter, reason=reason, note=note, **target)
    except IntegrityError as exc:  # a concurrent report by the same person
        raise duplicate from exc
    reporters = open_reports_of(post).values("reporter").distinct().count()
    if reporters >= auto_hide_reports():
        from .moderation import hide_post

        hide_post(post, actor=None, reason=f"被 {reporters} 位用户举报，已自动隐藏，等待管理员审核。",
                  pending_review=True, action="qa.auto_hide", data={"reports": reporters})
    return report
