"""Every write of notices: the fan-out on publish, read receipts, confirmations, the second reminder.

Publishing a notice (editor's 发布, a workflow's last approval, a scheduled publish, `revision.publish()`)
calls `notice_published(notice)` (Wagtail's `after_publish_page` hook and the `page_published` signal both
do), which enqueues `tasks.notice_fanout_task(notice_id)` after the publishing transaction commits. The task
calls `notice_publish_fanout`, which sends the notice once: a `NoticeDispatch` row (one per notice, unique)
is written in the same transaction as the message, so a new revision, a second publish, a duplicate task or a
concurrent run sends nothing more. `notices_fanout_sweep` catches a fan-out whose task was lost.

`notices_remind_due` (periodic) sends each notice's one second reminder to the recipients who have read it on
no channel, `second_reminder_hours` after its fan-out; a `NoticeReminder` row (unique per notice) makes a second,
late or concurrent run send nothing.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.rich_text import expand_db_html

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode

from ..models import (
    Delivery,
    MessageKind,
    NoticeConfirmation,
    NoticeDispatch,
    NoticePage,
    NoticeReminder,
)
from ..selectors import messages_about
from ..services import delivery_mark_read, message_send
from . import permissions, selectors

log = logging.getLogger(__name__)

LOST_FANOUT = timedelta(minutes=5)
NOT_FOUND_MESSAGE = "通知不存在或您无权查看。"
TITLE_LIMIT = 40


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)


def _require_user(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")


def _specific(notice) -> NoticePage:
    notice = getattr(notice, "specific", notice)
    if not isinstance(notice, NoticePage):
        raise _not_found()
    return notice


def notice_text(notice: NoticePage) -> str:
    """The notice body as plain text (for the inbox, e-mail): paragraphs on their own lines."""
    markup = expand_db_html(notice.body or "")
    markup = re.sub(r"(?i)<br\s*/?>|</(p|h[1-6]|li|blockquote)>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def notice_link(notice: NoticePage) -> str:
    try:
        return notice.get_url() or ""
    except Exception:  # a page outside any site: no link rather than no notice
        log.exception("notice %s has no URL", notice.pk)
        return ""


def _short_title(title: str) -> str:
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


# --- publishing --------------------------------------------------------------------------------------


def _enqueue_fanout(notice_id: int) -> None:
    from ..tasks import notice_fanout_task

    notice_fanout_task(notice_id)


def notice_published(notice) -> None:
    """A notice was published: fan it out once the publishing transaction commits (idempotent)."""
    pk = notice.pk
    transaction.on_commit(lambda: _enqueue_fanout(pk))


def notice_publish_fanout(*, notice, now: datetime | None = None) -> NoticeDispatch | None:
    """Send a published notice to its audience, once. Returns its dispatch record (the existing one when it was
    already sent), or None while the notice is not live or not under a community.

    Recipients follow `selectors.notice_recipient_ids` (owners only, or owners and residents; the scope's units
    of the notice's own community only). The message goes on the notice's channels with the notice as source.
    """
    notice = _specific(notice)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            notice = (NoticePage.objects.select_for_update(of=("self",)).select_related("community")
                      .get(pk=notice.pk))
            existing = NoticeDispatch.objects.filter(notice=notice).first()
            if existing is not None:
                return existing
            if not notice.live or notice.community_id is None:
                return None
            earlier = messages_about(notice).filter(kind=MessageKind.NOTICE).order_by("pk").first()
            if earlier is not None:  # sent before dispatch rows existed, or by hand: record it, send nothing
                return NoticeDispatch.objects.create(
                    notice=notice, community=notice.community, message=earlier, dispatched_at=earlier.created_at,
                    recipients=Delivery.objects.filter(message=earlier).values("recipient").distinct().count())
            ids = selectors.notice_recipient_ids(notice)
            message = None
            if ids:
                message = message_send(
                    community=notice.community, title=notice.title, body=notice_text(notice),
                    summary=notice.summary, recipients=ids, channels=list(notice.channels or []), actor=None,
                    kind=MessageKind.NOTICE, link=notice_link(notice), source=notice,
                )
            dispatch = NoticeDispatch.objects.create(notice=notice, community=notice.community, message=message,
                                                     recipients=len(ids), dispatched_at=now)
            publisher = notice.live_revision.user if notice.live_revision_id else None
            audit_record(community=notice.community, actor=publisher, action="notice.publish", obj=notice,
                         summary={"recipients": len(ids), "audience": notice.audience, "scope": notice.scope_kind,
                                  "buildings": sorted(b.pk for b in notice.scope_buildings.all()),
                                  "channels": list(notice.channels or []), "must_confirm": notice.must_confirm})
            return dispatch
    except IntegrityError:  # a concurrent run recorded the dispatch first; its message is the one
        return NoticeDispatch.objects.filter(notice_id=notice.pk).first()


def notices_fanout_sweep(*, now: datetime | None = None) -> list[int]:
    """Fan out live notices published over five minutes ago that have no dispatch yet (a lost task)."""
    now = now or timezone.now()
    pending = list(NoticePage.objects.live().filter(dispatch__isnull=True, community__isnull=False,
                                                    last_published_at__lt=now - LOST_FANOUT)
                   .order_by("pk").values_list("pk", flat=True))
    done = []
    for pk in pending:
        try:
            dispatch = notice_publish_fanout(notice=NoticePage.objects.get(pk=pk), now=now)
        except Exception:  # one notice's trouble must not hold back the others
            log.exception("fan-out of notice %s failed", pk)
            continue
        if dispatch is not None:
            done.append(pk)
    return done


# --- reading and confirming ------------------------------------------------------------------------------


def _visible(notice, user) -> NoticePage:
    _require_user(user)
    notice = _specific(notice)
    if not permissions.can_read_notice(user, notice):
        raise _not_found()
    return notice


def notice_mark_read(*, notice, user) -> bool:
    """The user opened the notice: mark their deliveries of it (and of its reminder) read.

    True the first time for a recipient; False for a repeat or a member the notice was not sent to.
    Anyone who may not read the notice gets NOT_FOUND.
    """
    notice = _visible(notice, user)
    dispatch = NoticeDispatch.objects.filter(notice=notice).select_related("message").first()
    message = dispatch.message if dispatch is not None else selectors.notice_message(notice)
    if message is None:
        return False
    first = delivery_mark_read(message=message, user=user)
    reminder_message = (NoticeReminder.objects.filter(notice=notice, message__isnull=False)
                        .values_list("message_id", flat=True).first())
    if reminder_message:
        Delivery.objects.filter(message_id=reminder_message, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now())
    return first


def notice_confirm(*, notice, user, now: datetime | None = None) -> NoticeConfirmation:
    """我已阅读并确认: a recipient of a "must confirm" notice confirms it (once; again returns the same record).

    Confirming also marks the notice read. NOT_FOUND for who may not read it, INVALID when the notice asks
    for no confirmation, NOT_IN_AUDIENCE for a member it was not sent to.
    """
    notice = _visible(notice, user)
    if not notice.must_confirm:
        raise DomainError(ErrorCode.INVALID, "该通知无需确认。")
    if not selectors.is_recipient(notice, user):
        raise DomainError(ErrorCode.NOT_IN_AUDIENCE, "您不在本通知的发送范围内，无需确认。")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            confirmation, _ = NoticeConfirmation.objects.get_or_create(notice=notice, user=user,
                                                                       defaults={"confirmed_at": now})
    except IntegrityError:  # a concurrent confirmation of the same user won
        confirmation = NoticeConfirmation.objects.get(notice=notice, user=user)
    notice_mark_read(notice=notice, user=user)
    return confirmation


# --- the second reminder -----------------------------------------------------------------------------------


def reminder_text(notice: NoticePage) -> str:
    return f"您有一条通知“{_short_title(notice.title)}”尚未阅读，请及时查看。"


def reminder_due_at(dispatch: NoticeDispatch, notice: NoticePage) -> datetime | None:
    if not notice.second_reminder_hours:
        return None
    return dispatch.dispatched_at + timedelta(hours=notice.second_reminder_hours)


def notice_remind(*, notice, now: datetime | None = None) -> NoticeReminder | None:
    """Send the notice's second reminder if it is due: once, to the recipients who have not read it.

    Returns the reminder recorded now, or None (not due, not live, no reminder wanted, or already done).
    A reminder that finds everyone has read is recorded with 0 recipients and sends nothing.
    """
    notice = _specific(notice)
    now = now or timezone.now()
    dispatch = NoticeDispatch.objects.filter(notice_id=notice.pk, message__isnull=False).first()
    if dispatch is None:
        return None
    notice = NoticePage.objects.select_related("community").get(pk=notice.pk)
    due = reminder_due_at(dispatch, notice)
    if due is None or due > now or not notice.live:
        return None
    try:
        with transaction.atomic():
            if NoticeReminder.objects.filter(notice=notice).exists():
                return None
            with transaction.atomic():
                reminder = NoticeReminder.objects.create(notice=notice, sent_at=now)
            ids = list(selectors.unread_user_ids(dispatch.message).filter(is_active=True))
            if ids:
                text = reminder_text(notice)
                reminder.message = message_send(
                    community=notice.community, title=f"通知提醒：{notice.title}"[:200], body=text, summary=text,
                    recipients=ids, channels=list(notice.channels or []), actor=None, kind=MessageKind.NOTICE,
                    link=notice_link(notice), source=reminder,
                )
            reminder.recipients = len(ids)
            reminder.save(update_fields=["message", "recipients"])
            audit_record(community=notice.community, actor=None, action="notice.remind", obj=notice,
                         summary={"recipients": len(ids), "hours": notice.second_reminder_hours})
            return reminder
    except IntegrityError:  # a concurrent run recorded this notice's reminder first
        return None


def notices_remind_due(*, now: datetime | None = None) -> list[int]:
    """For every live, sent notice whose reminder has not been done: send it if due. Returns notice ids."""
    now = now or timezone.now()
    candidates = (NoticeDispatch.objects.filter(message__isnull=False, notice__live=True,
                                                notice__second_reminder_hours__gt=0,
                                                notice__second_reminder__isnull=True,
                                                dispatched_at__lte=now - timedelta(hours=1))
                  .select_related("notice").order_by("dispatched_at", "pk"))
    sent = []
    for dispatch in candidates:
        due = reminder_due_at(dispatch, dispatch.notice)
        if due is None or due > now:
            continue
        try:
            reminder = notice_remind(notice=dispatch.notice, now=now)
        except Exception:  # one notice's trouble must not hold back the others' reminders
            log.exception("second reminder of notice %s failed", dispatch.notice_id)
            continue
        if reminder is not None:
            sent.append(dispatch.notice_id)
    return sent
