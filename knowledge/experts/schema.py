"""GraphQL of 专家预约, assembled into portal/api.py: the listed experts with their upcoming slots (public),
the bookings a user sees, and the booking / slot mutations (each a service call).

Lists are loaded by their root resolver in a fixed number of queries (experts with photo renditions and
upcoming slots prefetched; bookings with their slot, expert, community and people joined, the slot's
"held" flag annotated and the viewer's abilities computed once); nested resolvers only read attributes.
"""

from __future__ import annotations

import graphene
from django.db.models import Exists, OuterRef
from django.utils import timezone

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Community
from governance.registry.schema import CommunityType
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.loaders import per_request, prefetched
from portal.graphql.mutations import DomainMutation

from . import permissions, selectors, services
from .models import HOLDING_STATUSES, LOCAL_TZ, Booking, BookingStatus, ExpertSlot, SlotMode

SlotModeEnum = enum_from_choices("ExpertSlotMode", SlotMode, "咨询方式")
BookingStatusEnum = enum_from_choices("ExpertBookingStatus", BookingStatus, "专家预约状态")

MAX_PAGE = 50
NOT_FOUND_BOOKING = "预约不存在或不在您的可见范围内。"
NOT_FOUND_SLOT = "时段不存在。"


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


def _abilities(info) -> selectors.BookingAbilities:
    return per_request(info, "experts.abilities", lambda: selectors.booking_abilities(current_user(info)))


def _aware(value):
    """A datetime without an offset is read as Asia/Shanghai local time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, LOCAL_TZ)
    return value


# --- types -------------------------------------------------------------------------------------------------


class ExpertSlotType(graphene.ObjectType):
    """专家的一个咨询时段；公开展示时只说明可预约或已约满，不透露预约方"""

    class Meta:
        name = "ExpertSlot"

    id = graphene.ID(required=True, description="时段 ID")
    starts_at = graphene.DateTime(required=True, description="开始时间")
    ends_at = graphene.DateTime(required=True, description="结束时间")
    span = graphene.String(required=True, description="北京时间的时段说明，如“11月3日 14:00–15:00”")
    mode = graphene.Field(SlotModeEnum, required=True, description="咨询方式")
    mode_label = graphene.String(required=True, description="咨询方式名称：线上视频 / 电话 / 现场")
    place = graphene.String(required=True, description="地点或说明，可为空字符串")
    available = graphene.Boolean(required=True, description="现在能否预约（未取消、未被预约、距开始不少于最短提前时间）")
    taken = graphene.Boolean(required=True, description="是否已被预约（待确认或已确认）")
    status_label = graphene.String(required=True, description="展示用状态：可预约 / 已约满 / 已截止预约 / 已取消")
    cancelled = graphene.Boolean(required=True, description="是否已取消")

    @staticmethod
    def resolve_span(slot, info):
        return slot.span

    @staticmethod
    def resolve_mode(slot, info):
        return slot.mode

    @staticmethod
    def resolve_mode_label(slot, info):
        return str(slot.get_mode_display())

    @staticmethod
    def resolve_available(slot, info):
        return selectors.slot_state(slot).available

    @staticmethod
    def resolve_taken(slot, info):
        return selectors.slot_state(slot).held

    @staticmethod
    def resolve_status_label(slot, info):
        return selectors.slot_state(slot).label

    @staticmethod
    def resolve_cancelled(slot, info):
        return slot.cancelled_at is not None


class ExpertType(graphene.ObjectType):
    """专家顾问的公开资料"""

    class Meta:
        name = "Expert"

    id = graphene.ID(required=True, description="专家 ID")
    name = graphene.String(required=True, description="姓名")
    title = graphene.String(required=True, description="职称")
    organisation = graphene.String(required=True, description="所在单位")
    specialties = graphene.List(graphene.NonNull(graphene.String), required=True, description="擅长领域")
    bio = graphene.String(required=True, description="个人简介（纯文本）")
    photo_url = graphene.String(description="照片地址（240×240）；无照片时为空")
    upcoming_slots = graphene.List(graphene.NonNull(ExpertSlotType), required=True,
                                   description="尚未开始且未取消的时段，按开始时间排序")

    @staticmethod
    def resolve_specialties(profile, info):
        return profile.specialty_list

    @staticmethod
    def resolve_photo_url(profile, info):
        url = selectors.photo_url(profile)
        return info.context.build_absolute_uri(url) if url and info.context is not None else (url or None)

    @staticmethod
    def resolve_upcoming_slots(profile, info):
        return prefetched(profile, "slots")


class ExpertCardType(graphene.ObjectType):
    """预约中的专家（简要信息）"""

    class Meta:
        name = "ExpertCard"

    id = graphene.ID(required=True, description="专家 ID")
    name = graphene.String(required=True, description="姓名")
    title = graphene.String(required=True, description="职称")
    organisation = graphene.String(required=True, description="所在单位")


class ExpertBookingType(graphene.ObjectType):
    """一次专家预约：仅被预约的专家，以及本小区业委会委员、执行秘书、居委会和街道工作人员可见"""

    class Meta:
        name = "ExpertBooking"

    id = graphene.ID(required=True, description="预约 ID")
    status = graphene.Field(BookingStatusEnum, required=True, description="状态")
    status_label = graphene.String(required=True, description="状态名称：待确认 / 已确认 / 已婉拒 / 已取消")
    topic = graphene.String(required=True, description="咨询主题")
    details = graphene.String(required=True, description="问题说明")
    expert_note = graphene.String(required=True, description="专家留言（婉拒时为婉拒说明）")
    meeting_info = graphene.String(required=True, description="会面信息（专家确认时填写），可为空字符串")
    created_at = graphene.DateTime(required=True, description="预约时间")
    decided_at = graphene.DateTime(description="专家确认或婉拒的时间")
    cancelled_at = graphene.DateTime(description="取消时间")
    cancelled_by = graphene.String(description="取消人（姓名或打码手机号）")
    community = graphene.Field(CommunityType, required=True, description="预约的小区")
    requested_by = graphene.String(required=True, description="预约人（姓名或打码手机号）")
    slot = graphene.Field(ExpertSlotType, required=True, description="预约的时段")
    expert = graphene.Field(ExpertCardType, required=True, description="被预约的专家")
    can_respond = graphene.Boolean(required=True, description="当前用户现在能否确认或婉拒（本人是该专家且待确认、未开始）")
    can_cancel = graphene.Boolean(required=True, description="当前用户现在能否取消（预约人或本小区委员、秘书，且未开始）")

    @staticmethod
    def resolve_status(booking, info):
        return booking.status

    @staticmethod
    def resolve_status_label(booking, info):
        return str(booking.get_status_display())

    @staticmethod
    def resolve_cancelled_by(booking, info):
        return str(booking.cancelled_by) if booking.cancelled_by_id else None

    @staticmethod
    def resolve_requested_by(booking, info):
        return str(booking.requested_by)

    @staticmethod
    def resolve_expert(booking, info):
        return booking.slot.expert

    @staticmethod
    def resolve_can_respond(booking, info):
        return _abilities(info).can_respond(booking)

    @staticmethod
    def resolve_can_cancel(booking, info):
        return _abilities(info).can_cancel(booking)


def _with_slot_state(bookings, start: int = 0, stop: int | None = None) -> list[Booking]:
    """Annotate whether each booking's slot is held (in the list's one query) and hand it to the slot."""
    annotated = bookings.annotate(slot_held=Exists(
        Booking.objects.filter(slot=OuterRef("slot"), status__in=HOLDING_STATUSES)))
    rows = list(annotated[start:stop])
    for booking in rows:
        booking.slot.held = booking.slot_held
    return rows


def _visible_booking(user, booking_id) -> Booking:
    rows = _with_slot_state(selectors.visible_bookings(user).filter(pk=booking_id)) if str(booking_id).isdigit() else []
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_BOOKING, field="booking_id")
    return rows[0]


# --- queries -----------------------------------------------------------------------------------------------


class ExpertsQuery(graphene.ObjectType):
    experts = graphene.List(graphene.NonNull(ExpertType), required=True,
                            description="可预约的专家顾问（已发布且在任），按姓名排序；无需登录")
    expert = graphene.Field(ExpertType, id=graphene.ID(required=True, description="专家 ID"),
                            description="一位可预约的专家顾问；不存在或未发布时给出 NOT_FOUND 错误")
    my_bookings = graphene.List(
        graphene.NonNull(ExpertBookingType), required=True,
        status=graphene.Argument(BookingStatusEnum, description="只看某一状态"),
        first=graphene.Int(default_value=20, description=f"本页条数，最多 {MAX_PAGE}"),
        offset=graphene.Int(default_value=0, description="跳过的条数"),
        description="我能看到的专家预约：专家本人的，及本人所在小区的（委员、秘书、居委会、街道），按时段由近及远",
    )
    booking = graphene.Field(ExpertBookingType, id=graphene.ID(required=True, description="预约 ID"),
                             description="一次专家预约；不在可见范围内给出 NOT_FOUND 错误")
    expert_booking_communities = graphene.List(
        graphene.NonNull(CommunityType), required=True,
        description="我可以代表其预约专家的小区（担任业委会委员或执行秘书的小区）")
    my_expert_slots = graphene.List(graphene.NonNull(ExpertSlotType), required=True,
                                    description="专家本人的时段（一周前起），含已取消的；不是专家时为空列表")

    @staticmethod
    def resolve_experts(root, info):
        return list(selectors.experts_with_slots())

    @staticmethod
    def resolve_expert(root, info, id):
        profile = selectors.listed_expert(id)
        if profile is None:
            raise DomainError(ErrorCode.NOT_FOUND, "专家不存在或暂未开放预约。", field="id")
        return profile

    @staticmethod
    def resolve_my_bookings(root, info, status=None, first=20, offset=0):
        user = _require_user(info)
        if not 0 <= first <= MAX_PAGE or offset < 0:
            raise DomainError(ErrorCode.INVALID, f"first 须在 0 到 {MAX_PAGE} 之间，offset 不能为负数。", field="first")
        bookings = selectors.visible_bookings(user)
        if status is not None:
            bookings = bookings.filter(status=getattr(status, "value", status))
        return _with_slot_state(bookings, offset, offset + first) if first else []

    @staticmethod
    def resolve_booking(root, info, id):
        return _visible_booking(_require_user(info), id)

    @staticmethod
    def resolve_expert_booking_communities(root, info):
        return list(permissions.booking_communities(_require_user(info)))

    @staticmethod
    def resolve_my_expert_slots(root, info):
        expert = selectors.expert_for_user(_require_user(info))
        return selectors.my_slots(expert) if expert is not None else []


# --- mutations ---------------------------------------------------------------------------------------------


def _slot(slot_id, *, queryset=None) -> ExpertSlot:
    queryset = queryset if queryset is not None else ExpertSlot.objects.all()
    slot = queryset.select_related("expert__user").filter(pk=slot_id).first() if str(slot_id).isdigit() else None
    if slot is None:
        raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_SLOT, field="slot_id")
    return slot


class BookExpert(DomainMutation):
    """预约专家时段（代表本人担任委员或秘书的小区）。时段或小区不存在、专家未开放预约 NOT_FOUND；非本小区委员或秘书
    PERMISSION_DENIED；时段已取消 INVALID；距开始不足最短提前时间 WINDOW_CLOSED；已被预约 SLOT_TAKEN；
    本小区未结束的预约已达上限 RATE_LIMITED"""

    class Meta:
        name = "BookExpertPayload"

    class Arguments:
        slot_id = graphene.ID(required=True, description="时段 ID")
        community_id = graphene.ID(required=True, description="小区 ID")
        topic = graphene.String(required=True, description="咨询主题（2–100 字）")
        details = graphene.String(default_value="", description="问题说明（不超过 2000 字）")

    booking = graphene.Field(ExpertBookingType, description="新的预约（待确认）")

    @classmethod
    def perform(cls, root, info, *, user, slot_id, community_id, topic, details=""):
        slot = _slot(slot_id, queryset=ExpertSlot.objects.filter(expert__in=selectors.listed_experts()))
        community = Community.objects.filter(pk=community_id).first() if str(community_id).isdigit() else None
        if community is None:
            raise DomainError(ErrorCode.NOT_FOUND, "小区不存在。", field="community_id")
        booking = services.booking_create(slot=slot, community=community, topic=topic, details=details or "",
                                          actor=user)
        return cls(booking=_visible_booking(user, booking.pk))


class RespondBooking(DomainMutation):
    """专家确认（可附会面信息）或婉拒（须填写说明）本人待确认的预约，须在时段开始前（否则 WINDOW_CLOSED）"""

    class Meta:
        name = "RespondBookingPayload"

    class Arguments:
        booking_id = graphene.ID(required=True, description="预约 ID")
        accept = graphene.Boolean(required=True, description="true 确认，false 婉拒")
        note = graphene.String(default_value="", description="留言；婉拒时必填（不超过 500 字）")
        meeting_info = graphene.String(default_value="", description="会面信息，如会议号、电话或地点（确认时）")

    booking = graphene.Field(ExpertBookingType, description="处理后的预约")

    @classmethod
    def perform(cls, root, info, *, user, booking_id, accept, note="", meeting_info=""):
        booking = _visible_booking(user, booking_id)
        services.booking_respond(booking=booking, accept=accept, note=note or "", meeting_info=meeting_info or "",
                                 actor=user)
        return cls(booking=_visible_booking(user, booking.pk))


class CancelBooking(DomainMutation):
    """取消预约：预约人或本小区业委会委员、执行秘书，须在时段开始前（否则 WINDOW_CLOSED）"""

    class Meta:
        name = "CancelBookingPayload"

    class Arguments:
        booking_id = graphene.ID(required=True, description="预约 ID")

    booking = graphene.Field(ExpertBookingType, description="取消后的预约")

    @classmethod
    def perform(cls, root, info, *, user, booking_id):
        booking = _visible_booking(user, booking_id)
        services.booking_cancel(booking=booking, actor=user)
        return cls(booking=_visible_booking(user, booking.pk))


class CreateExpertSlot(DomainMutation):
    """专家开放一个咨询时段：15 分钟到 4 小时，开始时间在未来，不与本人其他时段重叠（否则 INVALID）。
    不带时区的时间按北京时间理解"""

    class Meta:
        name = "CreateExpertSlotPayload"

    class Arguments:
        starts_at = graphene.DateTime(required=True, description="开始时间")
        ends_at = graphene.DateTime(required=True, description="结束时间")
        mode = graphene.Argument(SlotModeEnum, required=True, description="咨询方式")
        place = graphene.String(default_value="", description="地点或说明")

    slot = graphene.Field(ExpertSlotType, description="新的时段")

    @classmethod
    def perform(cls, root, info, *, user, starts_at, ends_at, mode, place=""):
        expert = selectors.expert_for_user(user)
        if expert is None:
            raise DomainError(ErrorCode.PERMISSION_DENIED, "只有专家顾问可以开放时段。")
        slot = services.slot_create(expert=expert, starts_at=_aware(starts_at), ends_at=_aware(ends_at),
                                    mode=getattr(mode, "value", mode), place=place or "", actor=user)
        return cls(slot=slot)


class CancelExpertSlot(DomainMutation):
    """专家取消本人的时段（开始前）；该时段待确认或已确认的预约随之取消，并通知预约人"""

    class Meta:
        name = "CancelExpertSlotPayload"

    class Arguments:
        slot_id = graphene.ID(required=True, description="时段 ID")

    slot = graphene.Field(ExpertSlotType, description="取消后的时段")

    @classmethod
    def perform(cls, root, info, *, user, slot_id):
        expert = selectors.expert_for_user(user)
        slot = _slot(slot_id, queryset=ExpertSlot.objects.filter(expert=expert) if expert else ExpertSlot.objects.none())
        return cls(slot=services.slot_cancel(slot=slot, actor=user))


class ExpertsMutation(graphene.ObjectType):
    book_expert = BookExpert.Field(description="预约专家时段")
    respond_booking = RespondBooking.Field(description="专家确认或婉拒预约")
    cancel_booking = CancelBooking.Field(description="取消专家预约")
    create_expert_slot = CreateExpertSlot.Field(description="专家开放咨询时段")
    cancel_expert_slot = CancelExpertSlot.Field(description="专家取消咨询时段")
