"""GraphQL for the office: notices with the user's read state, the in-site inbox, to-dos; marking a notice read
and confirming it.

Lists are loaded by their root resolver in a fixed number of queries (the notices with their buildings
prefetched, the user's receipts and confirmations in one query each); nested resolvers only read attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphene
from django.utils import timezone
from wagtail.rich_text import expand_db_html

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Community
from governance.registry.schema import CommunityType
from governance.registry import roles
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.loaders import prefetched
from portal.graphql.mutations import DomainMutation

from . import selectors as office_selectors
from .models import ChannelName, MessageKind, NoticeAudience, NoticePage, TodoStatus, TodoTag
from .notices import selectors, services
from .notices.selectors import NoticeState

NoticeAudienceEnum = enum_from_choices("NoticeAudience", NoticeAudience, "通知对象")
MessageChannelEnum = enum_from_choices("MessageChannel", ChannelName, "发送渠道")
MessageKindEnum = enum_from_choices("MessageKind", MessageKind, "消息类型")
TodoTagEnum = enum_from_choices("TodoTag", TodoTag, "待办标签")
TodoStatusEnum = enum_from_choices("TodoStatus", TodoStatus, "待办状态")

MAX_PAGE = 50


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


def _window(first, offset) -> tuple[int, int]:
    first = 20 if first is None else first
    offset = 0 if offset is None else offset
    if first < 0 or first > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID, f"first 须在 0 到 {MAX_PAGE} 之间。", field="first")
    if offset < 0:
        raise DomainError(ErrorCode.INVALID, "offset 不能为负数。", field="offset")
    return first, offset


# --- notices -------------------------------------------------------------------------------------------


@dataclass
class NoticeView:
    notice: NoticePage
    state: NoticeState


class NoticeType(graphene.ObjectType):
    """一条通知公告，以及当前用户的接收、阅读和确认状态"""

    class Meta:
        name = "Notice"

    id = graphene.ID(required=True, description="通知 ID（页面 ID）")
    title = graphene.String(required=True, description="标题")
    summary = graphene.String(required=True, description="摘要；未填写时为空字符串")
    body = graphene.String(required=True, description="正文（HTML）")
    url = graphene.String(required=True, description="门户上的页面地址")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    audience = graphene.Field(NoticeAudienceEnum, required=True, description="通知对象")
    scope_buildings = graphene.List(graphene.NonNull(graphene.String), required=True,
                                    description="通知范围内的楼栋名称；全小区时为空列表")
    channels = graphene.List(graphene.NonNull(MessageChannelEnum), required=True, description="发送渠道")
    must_confirm = graphene.Boolean(required=True, description="是否须接收人确认（我已阅读并确认）")
    published_at = graphene.DateTime(description="首次发布时间")
    is_recipient = graphene.Boolean(required=True, description="当前用户是否在发送范围内（收到了本通知）")
    read = graphene.Boolean(required=True, description="当前用户是否已读")
    read_at = graphene.DateTime(description="当前用户的阅读时间；未读或不是接收人时为空")
    confirmed = graphene.Boolean(required=True, description="当前用户是否已确认")
    confirmed_at = graphene.DateTime(description="当前用户的确认时间")
    can_confirm = graphene.Boolean(required=True, description="当前用户现在能否确认（须确认、是接收人、尚未确认）")

    @staticmethod
    def resolve_id(item, info):
        return item.notice.pk

    @staticmethod
    def resolve_title(item, info):
        return item.notice.title

    @staticmethod
    def resolve_summary(item, info):
        return item.notice.summary

    @staticmethod
    def resolve_body(item, info):
        return expand_db_html(item.notice.body or "")

    @staticmethod
    def resolve_url(item, info):
        return item.notice.get_url(request=info.context) or ""

    @staticmethod
    def resolve_community(item, info):
        return item.notice.community

    @staticmethod
    def resolve_audience(item, info):
        return str(item.notice.audience)

    @staticmethod
    def resolve_scope_buildings(item, info):
        if item.notice.scope_kind != "buildings":
            return []
        return [b.name for b in prefetched(item.notice, "scope_buildings")]

    @staticmethod
    def resolve_channels(item, info):
        return [c for c in (item.notice.channels or []) if c in ChannelName.values]

    @staticmethod
    def resolve_must_confirm(item, info):
        return item.notice.must_confirm

    @staticmethod
    def resolve_published_at(item, info):
        return item.notice.first_published_at

    @staticmethod
    def resolve_is_recipient(item, info):
        return item.state.is_recipient

    @staticmethod
    def resolve_read(item, info):
        return item.state.read

    @staticmethod
    def resolve_read_at(item, info):
        return item.state.read_at

    @staticmethod
    def resolve_confirmed(item, info):
        return item.state.confirmed

    @staticmethod
    def resolve_confirmed_at(item, info):
        return item.state.confirmed_at

    @staticmethod
    def resolve_can_confirm(item, info):
        return item.notice.must_confirm and item.state.is_recipient and not item.state.confirmed


class NoticeListType(graphene.ObjectType):
    """一个小区的通知公告（分页）"""

    class Meta:
        name = "NoticeList"

    total_count = graphene.Int(required=True, description="通知总数")
    items = graphene.List(graphene.NonNull(NoticeType), required=True, description="本页通知，最新的在前")


def _notice_views(user, notices) -> list[NoticeView]:
    notices = list(notices)
    states = selectors.notice_states(user, notices)
    return [NoticeView(notice, states[notice.pk]) for notice in notices]


def _notice_view(user, notice) -> NoticeView:
    notice = NoticePage.objects.select_related("community").prefetch_related("scope_buildings").get(pk=notice.pk)
    return _notice_views(user, [notice])[0]


def _visible(user, notice_id) -> NoticePage:
    notice = selectors.visible_notice(user, notice_id)
    if notice is None:
        raise DomainError(ErrorCode.NOT_FOUND, services.NOT_FOUND_MESSAGE, field="notice_id")
    return notice


# --- inbox and to-dos ----------------------------------------------------------------------------------


class InboxMessageType(graphene.ObjectType):
    """站内消息（通知、投票提醒、待办提醒等）"""

    class Meta:
        name = "InboxMessage"

    id = graphene.ID(required=True, description="消息 ID")
    kind = graphene.Field(MessageKindEnum, required=True, description="消息类型")
    title = graphene.String(required=True, description="标题")
    summary = graphene.String(required=True, description="摘要（未填写时为标题）")
    body = graphene.String(required=True, description="正文（纯文本）")
    link = graphene.String(required=True, description="站内链接，如通知页面地址；没有时为空字符串")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    sent_at = graphene.DateTime(description="送达时间")
    read = graphene.Boolean(required=True, description="是否已读")
    read_at = graphene.DateTime(description="阅读时间")

    @staticmethod
    def resolve_id(delivery, info):
        return delivery.message_id

    @staticmethod
    def resolve_kind(delivery, info):
        return str(delivery.message.kind)

    @staticmethod
    def resolve_title(delivery, info):
        return delivery.message.title

    @staticmethod
    def resolve_summary(delivery, info):
        return delivery.message.short_text

    @staticmethod
    def resolve_body(delivery, info):
        return delivery.message.body

    @staticmethod
    def resolve_link(delivery, info):
        return delivery.message.link

    @staticmethod
    def resolve_community(delivery, info):
        return delivery.message.community

    @staticmethod
    def resolve_read(delivery, info):
        return delivery.read_at is not None


class InboxType(graphene.ObjectType):
    """当前用户的站内消息（分页）"""

    class Meta:
        name = "Inbox"

    total_count = graphene.Int(required=True, description="消息总数")
    unread_count = graphene.Int(required=True, description="未读消息数")
    items = graphene.List(graphene.NonNull(InboxMessageType), required=True, description="本页消息，最新的在前")


class TodoType(graphene.ObjectType):
    """一条待办：本人的，或本人所担任角色的"""

    class Meta:
        name = "Todo"

    id = graphene.ID(required=True, description="待办 ID")
    tag = graphene.Field(TodoTagEnum, required=True, description="标签（动议/用印/审批/工单/巡检…）")
    title = graphene.String(required=True, description="事项")
    detail = graphene.String(required=True, description="说明")
    status = graphene.Field(TodoStatusEnum, required=True, description="状态")
    due_at = graphene.DateTime(description="截止时间")
    overdue = graphene.Boolean(required=True, description="是否已逾期（未完成且已过截止时间）")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    assigned_to_me = graphene.Boolean(required=True, description="是否指派给本人（否则为本人担任的角色）")
    created_at = graphene.DateTime(required=True, description="创建时间")

    @staticmethod
    def resolve_tag(todo, info):
        return str(todo.tag)

    @staticmethod
    def resolve_status(todo, info):
        return str(todo.status)

    @staticmethod
    def resolve_overdue(todo, info):
        return todo.status != TodoStatus.DONE and todo.due_at is not None and todo.due_at < timezone.now()

    @staticmethod
    def resolve_assigned_to_me(todo, info):
        user = current_user(info)
        return user is not None and todo.assignee_id == user.pk


# --- queries ----------------------------------------------------------------------------------------------


class OfficeQuery(graphene.ObjectType):
    notices = graphene.Field(
        NoticeListType, required=True,
        community_code=graphene.String(required=True, description="小区编码"),
        first=graphene.Int(default_value=20, description=f"本页条数，最多 {MAX_PAGE}"),
        offset=graphene.Int(default_value=0, description="跳过的条数"),
        description="小区的通知公告及我的阅读状态：仅限本小区成员，否则给出 NOT_FOUND 错误",
    )
    notice = graphene.Field(
        NoticeType, id=graphene.ID(required=True, description="通知 ID"),
        description="一条通知公告（不标记已读；阅读时调用 markNoticeRead）：仅限本小区成员，否则给出 NOT_FOUND 错误",
    )
    inbox = graphene.Field(
        InboxType, required=True,
        first=graphene.Int(default_value=20, description=f"本页条数，最多 {MAX_PAGE}"),
        offset=graphene.Int(default_value=0, description="跳过的条数"),
        description="我的站内消息，最新的在前",
    )
    todos = graphene.List(
        graphene.NonNull(TodoType), required=True,
        include_done=graphene.Boolean(default_value=False, description="是否包含已完成的待办"),
        first=graphene.Int(default_value=20, description=f"本页条数，最多 {MAX_PAGE}"),
        offset=graphene.Int(default_value=0, description="跳过的条数"),
        description="我的待办（本人的，及本人所担任角色的），按状态和截止时间排序",
    )

    @staticmethod
    def resolve_notices(root, info, community_code, first=20, offset=0):
        user = _require_user(info)
        first, offset = _window(first, offset)
        community = Community.objects.filter(code=community_code).first()
        if community is None or not roles.is_member(user, community):
            raise DomainError(ErrorCode.NOT_FOUND, "小区不存在或您不是该小区的成员。", field="community_code")
        queryset = NoticePage.objects.live().filter(community=community).order_by("-first_published_at", "-pk")
        page = (queryset.select_related("community").prefetch_related("scope_buildings")[offset:offset + first]
                if first else [])
        return {"total_count": queryset.count(), "items": _notice_views(user, page)}

    @staticmethod
    def resolve_notice(root, info, id):
        user = _require_user(info)
        return _notice_view(user, _visible(user, id))

    @staticmethod
    def resolve_inbox(root, info, first=20, offset=0):
        user = _require_user(info)
        first, offset = _window(first, offset)
        deliveries = office_selectors.inbox_for(user)
        return {"total_count": deliveries.count(), "unread_count": office_selectors.inbox_unread_count(user),
                "items": list(deliveries[offset:offset + first]) if first else []}

    @staticmethod
    def resolve_todos(root, info, include_done=False, first=20, offset=0):
        user = _require_user(info)
        first, offset = _window(first, offset)
        todos = office_selectors.todos_for(user).select_related("community")
        if not include_done:
            todos = todos.exclude(status=TodoStatus.DONE)
        return list(todos.order_by("status", "due_at", "-pk")[offset:offset + first]) if first else []


# --- mutations ---------------------------------------------------------------------------------------------


class MarkNoticeRead(DomainMutation):
    """标记通知已读（在小程序中打开通知时调用）。非本小区成员给出 NOT_FOUND"""

    class Meta:
        name = "MarkNoticeReadPayload"

    class Arguments:
        notice_id = graphene.ID(required=True, description="通知 ID")

    notice = graphene.Field(NoticeType, description="标记后的通知")
    first_read = graphene.Boolean(description="是否为首次阅读（之前未读）")

    @classmethod
    def perform(cls, root, info, *, user, notice_id):
        notice = _visible(user, notice_id)
        first = services.notice_mark_read(notice=notice, user=user)
        return cls(notice=_notice_view(user, notice), first_read=first)


class ConfirmNotice(DomainMutation):
    """确认须确认的通知（我已阅读并确认），同时标记已读。重复确认返回原确认时间。
    非本小区成员 NOT_FOUND；无需确认的通知 INVALID；不在发送范围内 NOT_IN_AUDIENCE"""

    class Meta:
        name = "ConfirmNoticePayload"

    class Arguments:
        notice_id = graphene.ID(required=True, description="通知 ID")

    notice = graphene.Field(NoticeType, description="确认后的通知")

    @classmethod
    def perform(cls, root, info, *, user, notice_id):
        notice = _visible(user, notice_id)
        services.notice_confirm(notice=notice, user=user)
        return cls(notice=_notice_view(user, notice))


class OfficeMutation(graphene.ObjectType):
    mark_notice_read = MarkNoticeRead.Field(description="标记通知已读")
    confirm_notice = ConfirmNotice.Field(description="确认通知（我已阅读并确认）")
