"""Every write to messages, deliveries and to-dos. Keyword-only, checked, atomic, audited.

Sending a message (the API notices, reminders and to-dos all use)::

    message = message_send(
        community=community, title="停水通知", body="因管道检修，6月1日 9:00–17:00 停水。",
        recipients=users,                    # User objects or user ids; duplicates are dropped
        channels=["insite", "sms"],          # any of settings.OFFICE_CHANNELS / channels.DEFAULT_CHANNELS
        actor=request.user,                  # None for the system (scheduler, other services)
        kind="notice", link="/notices/12/", summary="6月1日停水", source=notice_page,
    )

It writes the `Message` and one queued `Delivery` per recipient per channel (bulk insert), records
one audit event, and — after the transaction commits — enqueues one sending task per channel.
The task (`deliveries_send`) claims queued rows in batches and hands each to the channel once.
Follow-ups read from `selectors`: `message_stats`, `message_read_count`, `unread_recipients`
(for a second reminder, send a new message to them), `messages_about(obj)`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.registry import roles
from portal.accounts.models import Role

from . import permissions, selectors
from .channels import Channel, DeliveryResult, channel_names, get_channel
from .models import (
    ChannelName,
    Delivery,
    DeliveryStatus,
    Message,
    MessageKind,
    Todo,
    TodoStatus,
    TodoTag,
    WeChatOpenID,
)

log = logging.getLogger(__name__)

INSERT_BATCH = 2000
SEND_BATCH = 500
STALE_SENDING = timedelta(minutes=30)
LOST_QUEUE = timedelta(minutes=5)
TODO_REMINDER_WINDOW = timedelta(hours=24)


def _deny() -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")


def _label_and_id(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label, str(obj.pk)


# --- messages ----------------------------------------------------------------------------------------


def _clean_channels(channels: Iterable[str]) -> list[str]:
    known = channel_names()
    cleaned: list[str] = []
    for name in channels or ():
        if name not in known:
            raise DomainError(ErrorCode.INVALID, f"未知的发送渠道：{name}。", field="channels")
        if name not in cleaned:
            cleaned.append(name)
    if not cleaned:
        raise DomainError(ErrorCode.INVALID, "请至少选择一个发送渠道。", field="channels")
    return cleaned


def _recipient_ids(recipients: Iterable) -> list[int]:
    seen: dict[int, None] = {}
    for recipient in recipients or ():
        pk = getattr(recipient, "pk", recipient)
        if pk is None:
            continue
        seen.setdefault(int(pk), None)
    return list(seen)


def _enqueue_delivery(message_id: int, channel: str) -> None:
    from .tasks import message_deliver_task

    message_deliver_task(message_id, channel)


@transaction.atomic
def message_send(
    *, community, title: str, body: str, recipients: Iterable, channels: Iterable[str], actor=None,
    kind: str = MessageKind.NOTICE, link: str = "", summary: str = "", source=None,
) -> Message:
    """Write a message and one queued delivery per recipient per channel; send them after commit.

    `recipients` are users (or user ids) chosen by the caller; `actor=None` is the system. Staff of
    the community may send; nobody else. Handles tens of thousands of recipients in one bulk insert.
    """
    if actor is not None and not permissions.can_send_messages(actor, community):
        raise _deny()
    title = (title or "").strip()
    if not title:
        raise DomainError(ErrorCode.INVALID, "标题不能为空。", field="title")
    if kind not in MessageKind.values:
        raise DomainError(ErrorCode.INVALID, f"未知的消息类型：{kind}。", field="kind")
    names = _clean_channels(channels)
    ids = _recipient_ids(recipients)
    if not ids:
        raise DomainError(ErrorCode.INVALID, "请至少选择一位接收人。", field="recipients")
    link = (link or "").strip()
    if link and not (link.startswith(("https://", "http://")) or (link.startswith("/") and not link.startswith("//"))):
        raise DomainError(ErrorCode.INVALID, "链接须为站内路径（以 / 开头）或 http(s) 地址。", field="link")
    source_type, source_id = _label_and_id(source)
    message = Message.objects.create(
        community=community, kind=kind, title=title[:200], summary=(summary or "").strip()[:200], body=body or "",
        link=link[:500], source_type=source_type, source_id=source_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Delivery.objects.bulk_create(
        (Delivery(message=message, recipient_id=pk, channel=name) for name in names for pk in ids),
        batch_size=INSERT_BATCH,
    )
    audit_record(community=community, actor=actor, action="message.send", obj=message,
                 summary={"kind": kind, "channels": names, "recipients": len(ids), "source": source_type})
    for name in names:
        transaction.on_commit(lambda name=name: _enqueue_delivery(message.pk, name))
    return message


def notify_user(*, user, title: str, body: str, link: str = "", community, source=None) -> Message:
    """Tell one user something in the site's inbox (站内消息) about `source`, from the system.

    Written inside the caller's transaction, so the message exists exactly when the write it reports does;
    its delivery is queued after commit like every message's. `user` may be a user or a user id."""
    return message_send(community=community, title=title, body=body, recipients=[user], channels=["insite"],
                        actor=None, kind=MessageKind.SYSTEM, link=link, source=source)


def _claim(message: Message, channel: str, size: int) -> tuple[str, list[Delivery]]:
    """Move up to `size` queued rows to 'sending' under a fresh token; only the claimer sends them."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        pks = list(Delivery.objects.filter(message=message, channel=channel, status=DeliveryStatus.QUEUED)
                   .order_by("pk").values_list("pk", flat=True)[:size])
        if not pks:
            return token, []
        Delivery.objects.filter(pk__in=pks, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING, claim=token, claimed_at=timezone.now())
    rows = list(Delivery.objects.filter(pk__in=pks, claim=token, status=DeliveryStatus.SENDING)
                .select_related("recipient").order_by("pk"))
    return token, rows


def _send_one(adapter: Channel, delivery: Delivery, message: Message) -> DeliveryResult:
    try:
        return adapter.send(recipient=delivery.recipient, message=message)
    except Exception as exc:  # an adapter's failure is the row's failure, never the batch's
        log.warning("delivery %s on %s failed: %s", delivery.pk, delivery.channel, exc)
        return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")


def _record(token: str, results: list[tuple[Delivery, DeliveryResult]]) -> tuple[int, int]:
    now = timezone.now()
    plain_ok = [d.pk for d, r in results if r.ok and not r.reference]
    detailed: list[Delivery] = []
    for delivery, result in results:
        if result.ok and not result.reference:
            continue
        delivery.status = DeliveryStatus.SENT if result.ok else DeliveryStatus.FAILED
        delivery.sent_at = now if result.ok else None
        delivery.error = "" if result.ok else result.error
        delivery.reference = result.reference
        detailed.append(delivery)
    with transaction.atomic():
        if plain_ok:
            Delivery.objects.filter(pk__in=plain_ok, claim=token, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.SENT, sent_at=now)
        if detailed:
            Delivery.objects.bulk_update(detailed, ["status", "sent_at", "error", "reference"], batch_size=500)
    sent = sum(1 for _, r in results if r.ok)
    return sent, len(results) - sent


def deliveries_send(*, message: Message, channel: str, batch_size: int | None = None) -> dict[str, int]:
    """Send the message's queued deliveries on one channel, batch by batch (each claimed, then recorded).

    Safe to run twice or concurrently: a row leaves 'queued' exactly once, so it is handed to the
    channel at most once; rows already sent, failed or claimed by another run are left alone.
    """
    size = batch_size or getattr(settings, "OFFICE_SEND_BATCH", SEND_BATCH)
    message = Message.objects.select_related("community").get(pk=message.pk)
    adapter = get_channel(channel)
    totals = {"sent": 0, "failed": 0}
    while True:
        token, rows = _claim(message, channel, size)
        if not rows:
            if not Delivery.objects.filter(message=message, channel=channel, status=DeliveryStatus.QUEUED).exists():
                break
            continue  # another run claimed this batch first: take the next one
        adapter.open(recipients=[row.recipient for row in rows])
        try:
            results = [(row, _send_one(adapter, row, message)) for row in rows]
        finally:
            adapter.close()
        sent, failed = _record(token, results)
        totals["sent"] += sent
        totals["failed"] += failed
    return totals


def deliveries_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Housekeeping: re-enqueue queued rows whose task was lost; fail rows stuck in 'sending' (a worker died
    mid-batch) without resending them, since the channel may already have delivered them."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_SENDING)
    failed = stale.update(status=DeliveryStatus.FAILED, error="发送中断：无法确认是否送达，未重发以免重复。")
    pending = list(Delivery.objects.filter(status=DeliveryStatus.QUEUED, message__created_at__lt=now - LOST_QUEUE)
                   .values_list("message_id", "channel").distinct().order_by("message_id", "channel"))
    for message_id, channel in pending:
        _enqueue_delivery(message_id, channel)
    return {"failed_stale": failed, "requeued": len(pending)}


def delivery_mark_read(*, message: Message, user) -> bool:
    """Record that `user` has read `message` (all of the user's deliveries of it). True the first time."""
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")
    marked = Delivery.objects.filter(message=message, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())
    return marked > 0


def delivery_mark_all_read(*, user) -> int:
    """Mark every delivered in-site message of the user read. Returns how many were unread."""
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")
    unread = Delivery.objects.filter(recipient=user, channel=ChannelName.INSITE, status=DeliveryStatus.SENT,
                                     read_at__isnull=True)
    message_ids = list(unread.values_list("message_id", flat=True))
    now = timezone.now()
    Delivery.objects.filter(recipient=user, message_id__in=message_ids, read_at__isnull=True).update(read_at=now)
    return len(message_ids)


@transaction.atomic
def wechat_openid_set(*, user, openid: str) -> WeChatOpenID:
    """Bind the user's mini-program openid (from the login exchange) so subscription messages can reach them."""
    openid = (openid or "").strip()
    if not openid or len(openid) > 64:
        raise DomainError(ErrorCode.INVALID, "openid 无效。", field="openid")
    WeChatOpenID.objects.filter(openid=openid).exclude(user=user).delete()
    binding, _ = WeChatOpenID.objects.update_or_create(user=user, defaults={"openid": openid})
    return binding


# --- to-dos ------------------------------------------------------------------------------------------


def todo_tag(value: str) -> str:
    """A tag value ("joint_motion") or its Chinese label ("联名") → the stored value; unknown input unchanged."""
    if value in TodoTag.values:
        return value
    with translation.override("zh-hans"):
        by_label = {str(label): tag for tag, label in TodoTag.choices}
    return by_label.get(value, value)


@transaction.atomic
def todo_create(
    *, community, tag: str, title: str, due_at: datetime | None, actor=None, assignee=None,
    assignee_role: str | None = None, detail: str = "", link=None, status: str = TodoStatus.IN_PROGRESS,
) -> Todo:
    """A to-do for a person or for whoever holds a role in the community. `link` is the record it is about.

    `tag` is a `TodoTag` value or its Chinese label (动议/用印/审批/工单/巡检/联名/选举/其他).
    """
    if actor is not None and not permissions.can_create_todo(actor, community):
        raise _deny()
    title = (title or "").strip()
    if not title:
        raise DomainError(ErrorCode.INVALID, "待办事项不能为空。", field="title")
    tag = todo_tag(tag)
    if tag not in TodoTag.values:
        raise DomainError(ErrorCode.INVALID, f"未知的待办标签：{tag}。", field="tag")
    if status not in (TodoStatus.PENDING_REVIEW, TodoStatus.IN_PROGRESS):
        raise DomainError(ErrorCode.INVALID, "新建待办只能是“待审核”或“进行中”。", field="status")
    if assignee is None and not assignee_role:
        raise DomainError(ErrorCode.INVALID, "请指定办理人或办理角色。", field="assignee")
    if assignee_role and assignee_role not in Role.values:
        raise DomainError(ErrorCode.INVALID, f"未知的角色：{assignee_role}。", field="assignee_role")
    if assignee is not None and not roles.is_member(assignee, community):
        raise DomainError(ErrorCode.INVALID, "办理人不属于本小区。", field="assignee")
    link_community = getattr(link, "community_id", None)
    if link is not None and link_community is not None and link_community != community.pk:
        raise DomainError(ErrorCode.INVALID, "关联记录不属于本小区。", field="link")
    link_type, link_id = _label_and_id(link)
    todo = Todo.objects.create(
        community=community, tag=tag, title=title[:200], detail=detail or "", status=status, due_at=due_at,
        assignee=assignee, assignee_role=assignee_role or None, link_type=link_type, link_id=link_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(community=community, actor=actor, action="todo.create", obj=todo,
                 summary={"tag": tag, "assignee": getattr(assignee, "pk", None), "role": assignee_role or "",
                          "due_at": due_at, "link": f"{link_type}:{link_id}" if link_type else ""})
    return todo


@transaction.atomic
def todo_complete(*, todo: Todo, actor) -> Todo:
    """已完成, by its assignee or a holder of its role."""
    if not permissions.can_handle_todo(actor, todo):
        raise _deny()
    todo = Todo.objects.select_for_update().select_related("community").get(pk=todo.pk)
    if todo.status == TodoStatus.DONE:
        raise DomainError(ErrorCode.INVALID, "该待办已完成。")
    todo.status = TodoStatus.DONE
    todo.completed_at = timezone.now()
    todo.completed_by = actor
    todo.save(update_fields=["status", "completed_at", "completed_by"])
    audit_record(community=todo.community, actor=actor, action="todo.complete", obj=todo, summary={})
    return todo


@transaction.atomic
def todos_complete_linked(*, link, actor=None) -> int:
    """Close the open to-dos about a record when the record itself is dealt with (for other services)."""
    link_type, link_id = _label_and_id(link)
    todos = list(Todo.objects.select_for_update().select_related("community")
                 .filter(link_type=link_type, link_id=link_id).exclude(status=TodoStatus.DONE).order_by("pk"))
    now = timezone.now()
    for todo in todos:
        todo.status, todo.completed_at = TodoStatus.DONE, now
        todo.completed_by = actor if getattr(actor, "pk", None) else None
        todo.save(update_fields=["status", "completed_at", "completed_by"])
        audit_record(community=todo.community, actor=actor, action="todo.complete", obj=todo,
                     summary={"by_link": f"{link_type}:{link_id}"})
    return len(todos)


def _todo_text(todo: Todo, now: datetime) -> str:
    due = timezone.localtime(todo.due_at)
    when = f"{due.month}月{due.day}日 {due:%H:%M}"
    if todo.due_at <= now:
        return f"待办“{todo.title}”已于 {when} 到期，请尽快办理。"
    return f"待办“{todo.title}”将于 {when} 到期，请及时办理。"


def todo_reminder_channels() -> list[str]:
    return list(getattr(settings, "OFFICE_TODO_REMINDER_CHANNELS", [ChannelName.INSITE, ChannelName.SMS]))


def todos_remind_due(*, now: datetime | None = None) -> list[int]:
    """Remind once (reminded_at) of each open to-do due within 24 hours, or already overdue, in-site + SMS.

    Each to-do is claimed by setting reminded_at in its own transaction with the message, so a second
    or concurrent run finds nothing left to send.
    """
    now = now or timezone.now()
    candidates = list(Todo.objects.filter(reminded_at__isnull=True, due_at__isnull=False,
                                          due_at__lte=now + TODO_REMINDER_WINDOW)
                      .exclude(status=TodoStatus.DONE).order_by("due_at", "pk").values_list("pk", flat=True))
    reminded: list[int] = []
    for pk in candidates:
        try:
            with transaction.atomic():
                claimed = (Todo.objects.filter(pk=pk, reminded_at__isnull=True).exclude(status=TodoStatus.DONE)
                           .update(reminded_at=now))
                if not claimed:
                    continue
                todo = (Todo.objects.select_related("community", "community__residents_committee", "assignee")
                        .get(pk=pk))
                recipients = selectors.todo_recipients(todo)
                if recipients:
                    text = _todo_text(todo, now)
                    message_send(community=todo.community, title=f"待办提醒：{todo.title}"[:200], body=text,
                                 summary=text, recipients=recipients, channels=todo_reminder_channels(),
                                 actor=None, kind=MessageKind.TODO, source=todo)
        except DomainError as error:  # left unclaimed: the next run tries again; the others go on
            log.warning("to-do %s reminder not sent: %s", pk, error.message)
            continue
        reminded.append(pk)
    return reminded
