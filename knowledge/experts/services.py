"""Every write to expert slots and bookings. Keyword-only, typed, atomic: permission first, then validation,
then the write, the audit event and the in-site notification (`governance.office.services.notify_user`, delivered after commit).

    slot = slot_create(expert=profile, starts_at=..., ends_at=..., mode=SlotMode.VIDEO, place="", actor=user)
    booking = booking_create(slot=slot, community=community, topic="车位纠纷", details="...", actor=member)
    booking_respond(booking=booking, accept=True, meeting_info="腾讯会议 123-456-789", actor=expert_user)
    booking_cancel(booking=booking, actor=member)
    slot_cancel(slot=slot, actor=expert_user)          # also cancels the slot's pending/confirmed booking

Concurrency: a booking locks its community row (the open-bookings limit) and then its slot row
(select_for_update), and a conditional unique constraint keeps one pending-or-confirmed booking per slot;
slot writes lock the expert's profile row so two overlapping slots cannot both be created.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.office.services import notify_user
from governance.registry.models import Community
from portal.privacy import contains_personal_info, privacy_message

from . import permissions, selectors
from .models import HOLDING_STATUSES, Booking, BookingStatus, ExpertProfile, ExpertSlot, SlotMode

MIN_SLOT_MINUTES = 15
MAX_SLOT_MINUTES = 240
TOPIC_MIN, TOPIC_MAX = 2, 100
DETAILS_MAX = 2000
NOTE_MAX = 500
MEETING_INFO_MAX = 500
PLACE_MAX = 200
BOOKINGS_LINK = "/experts/bookings/{pk}/"


def _deny() -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")


def _text(value) -> str:
    return (value or "").strip()


def _notify(*, booking: Booking, recipient, title: str, body: str) -> None:
    notify_user(user=recipient, title=title, body=body, link=BOOKINGS_LINK.format(pk=booking.pk),
                community=booking.community, source=booking)


def _describe(slot: ExpertSlot) -> str:
    return f"{slot.span}（{slot.get_mode_display()}）"


# --- slots -------------------------------------------------------------------------------------------------


@transaction.atomic
def slot_create(*, expert: ExpertProfile, starts_at: datetime, ends_at: datetime, mode: str, place: str = "",
                actor, now: datetime | None = None) -> ExpertSlot:
    """Open a slot: 15–240 minutes, in the future, overlapping none of the expert's live slots."""
    if not permissions.can_manage_slots(actor, expert):
        raise _deny()
    now = now or timezone.now()
    place = _text(place)
    if mode not in SlotMode.values:
        raise DomainError(ErrorCode.INVALID, "请选择咨询方式（线上视频、电话或现场）。", field="mode")
    if len(place) > PLACE_MAX:
        raise DomainError(ErrorCode.INVALID, f"地点或说明不能超过 {PLACE_MAX} 个字。", field="place")
    if starts_at is None or ends_at is None:
        raise DomainError(ErrorCode.INVALID, "请填写开始和结束时间。", field="starts_at")
    if ends_at <= starts_at:
        raise DomainError(ErrorCode.INVALID, "结束时间须晚于开始时间。", field="ends_at")
    length = ends_at - starts_at
    if length < timedelta(minutes=MIN_SLOT_MINUTES) or length > timedelta(minutes=MAX_SLOT_MINUTES):
        raise DomainError(ErrorCode.INVALID, f"每个时段须在 {MIN_SLOT_MINUTES} 分钟到 {MAX_SLOT_MINUTES // 60} 小时之间。",
                          field="ends_at")
    if starts_at <= now:
        raise DomainError(ErrorCode.INVALID, "开始时间须晚于现在。", field="starts_at")
    expert = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
    clash = (ExpertSlot.objects.filter(expert=expert, cancelled_at__isnull=True, starts_at__lt=ends_at,
                                       ends_at__gt=starts_at).order_by("starts_at").first())
    if clash is not None:
        raise DomainError(ErrorCode.INVALID, f"与已有时段 {clash.span} 重叠。", field="starts_at")
    slot = ExpertSlot.objects.create(expert=expert, starts_at=starts_at, ends_at=ends_at, mode=mode, place=place,
                                     created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(community=None, actor=actor, action="experts.slot.create", obj=slot,
                 summary={"expert": expert.pk, "span": slot.span, "mode": mode})
    return slot


@transaction.atomic
def slot_cancel(*, slot: ExpertSlot, actor, now: datetime | None = None) -> ExpertSlot:
    """Withdraw a slot before it starts; its pending or confirmed booking is cancelled and the requester told."""
    if not permissions.can_manage_slots(actor, slot.expert):
        raise _deny()
    now = now or timezone.now()
    slot = ExpertSlot.objects.select_for_update(of=("self",)).select_related("expert").get(pk=slot.pk)
    if slot.cancelled_at is not None:
        raise DomainError(ErrorCode.INVALID, "该时段已取消。", field="slot_id")
    if slot.starts_at <= now:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "时段已开始，不能取消。", field="slot_id")
    slot.cancelled_at, slot.cancelled_by = now, actor
    slot.save(update_fields=["cancelled_at", "cancelled_by"])
    audit_record(community=None, actor=actor, action="experts.slot.cancel", obj=slot, summary={"span": slot.span})
    booking = (Booking.objects.select_for_update(of=("self",)).select_related("community", "requested_by")
               .filter(slot=slot, status__in=HOLDING_STATUSES).first())
    if booking is not None:
        booking.status, booking.cancelled_at, booking.cancelled_by = BookingStatus.CANCELLED, now, actor
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        audit_record(community=booking.community, actor=actor, action="experts.booking.cancel", obj=booking,
                     summary={"by": "expert", "slot": slot.pk})
        _notify(booking=booking, recipient=booking.requested_by, title=f"专家预约已取消：{booking.topic}",
                body=f"{slot.expert.name}取消了 {_describe(slot)}的咨询时段，您的预约“{booking.topic}”随之取消。"
                     f"如仍需咨询，请另选时段预约。")
        if actor.pk != slot.expert.user_id:  # an editor withdrew it: the expert loses the booking too
            _notify(booking=booking, recipient=slot.expert.user,
                    title=f"您的咨询时段已被取消：{booking.topic}",
                    body=f"平台编辑取消了您 {_describe(slot)}的咨询时段，预约“{booking.topic}”随之取消。")
    return slot


# --- bookings ----------------------------------------------------------------------------------------------


@transaction.atomic
def booking_create(*, slot: ExpertSlot, community: Community, topic: str, details: str = "", actor,
                   now: datetime | None = None) -> Booking:
    """A committee member or secretary books a live slot of a bookable expert for the community."""
    if not permissions.can_book_for(actor, community):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "只有本小区业委会委员或执行秘书可以预约专家。",
                          field="community_id")
    now = now or timezone.now()
    topic, details = _text(topic), _text(details)
    for field, label, text in (("topic", "咨询主题", topic), ("details", "问题说明", details)):
        if contains_personal_info(text):
            raise DomainError(ErrorCode.INVALID, privacy_message(label), field=field)
    if not TOPIC_MIN <= len(topic) <= TOPIC_MAX:
        raise DomainError(ErrorCode.INVALID, f"咨询主题须为 {TOPIC_MIN} 到 {TOPIC_MAX} 个字。", field="topic")
    if len(details) > DETAILS_MAX:
        raise DomainError(ErrorCode.INVALID, f"问题说明不能超过 {DETAILS_MAX} 个字。", field="details")
    community = Community.objects.select_for_update().get(pk=community.pk)
    slot = ExpertSlot.objects.select_for_update(of=("self",)).select_related("expert__user").get(pk=slot.pk)
    if slot.cancelled_at is not None:
        raise DomainError(ErrorCode.INVALID, "该时段已取消，请选择其他时段。", field="slot_id")
    if not permissions.is_bookable(slot.expert):
        raise DomainError(ErrorCode.INVALID, "该专家目前不接受预约。", field="slot_id")
    lead_hours = int(selectors.min_lead().total_seconds() // 3600)
    if slot.starts_at - now < selectors.min_lead():
        raise DomainError(ErrorCode.WINDOW_CLOSED, f"须在时段开始前至少 {lead_hours} 小时预约。", field="slot_id")
    if Booking.objects.filter(slot=slot, status__in=HOLDING_STATUSES).exists():
        raise DomainError(ErrorCode.SLOT_TAKEN, "该时段已被预约，请选择其他时段。", field="slot_id")
    limit = selectors.max_open_bookings()
    if selectors.open_booking_count(community, now) >= limit:
        raise DomainError(ErrorCode.RATE_LIMITED, f"本小区已有 {limit} 个未结束的专家预约，请在咨询结束或取消后再预约。",
                          field="community_id")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(slot=slot, community=community, requested_by=actor, topic=topic,
                                             details=details)
    except IntegrityError as exc:  # the constraint behind the lock
        raise DomainError(ErrorCode.SLOT_TAKEN, "该时段已被预约，请选择其他时段。", field="slot_id") from exc
    audit_record(community=community, actor=actor, action="experts.booking.create", obj=booking,
                 summary={"slot": slot.pk, "expert": slot.expert_id, "topic": topic})
    lines = [f"{community.name}的{actor}预约了您 {_describe(slot)}的咨询时段。", f"主题：{topic}"]
    if details:
        lines.append(f"说明：{details}")
    lines.append("请在时段开始前确认或婉拒。")
    _notify(booking=booking, recipient=slot.expert.user, title=f"新的咨询预约：{topic}", body="\n".join(lines))
    return booking


def _locked(booking: Booking) -> Booking:
    """Lock the slot row, then the booking row (only those rows: the joined ones are read, not locked)."""
    ExpertSlot.objects.select_for_update().filter(pk=booking.slot_id).first()
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("slot__expert__user", "community", "requested_by").get(pk=booking.pk))


@transaction.atomic
def booking_respond(*, booking: Booking, accept: bool, note: str = "", meeting_info: str = "", actor,
                    now: datetime | None = None) -> Booking:
    """The booked expert confirms (optionally with meeting information) or declines (with a note) a pending
    booking before its slot starts. A declined booking frees the slot."""
    if not permissions.can_respond_booking(actor, booking):
        raise _deny()
    now = now or timezone.now()
    note, meeting_info = _text(note), _text(meeting_info)
    if len(note) > NOTE_MAX:
        raise DomainError(ErrorCode.INVALID, f"留言不能超过 {NOTE_MAX} 个字。", field="note")
    if len(meeting_info) > MEETING_INFO_MAX:
        raise DomainError(ErrorCode.INVALID, f"会面信息不能超过 {MEETING_INFO_MAX} 个字。", field="meeting_info")
    if not accept and not note:
        raise DomainError(ErrorCode.INVALID, "婉拒时请填写说明。", field="note")
    booking = _locked(booking)
    if booking.status != BookingStatus.PENDING:
        raise DomainError(ErrorCode.INVALID, f"该预约{booking.get_status_display()}，不能再处理。", field="booking_id")
    if booking.slot.starts_at <= now:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "时段已开始，不能再确认或婉拒。", field="booking_id")
    booking.status = BookingStatus.CONFIRMED if accept else BookingStatus.DECLINED
    booking.expert_note, booking.decided_at = note, now
    booking.meeting_info = meeting_info if accept else ""
    booking.save(update_fields=["status", "expert_note", "meeting_info", "decided_at"])
    audit_record(community=booking.community, actor=actor, action=f"experts.booking.{booking.status}", obj=booking,
                 summary={"slot": booking.slot_id})
    slot = booking.slot
    if accept:
        lines = [f"{slot.expert.name}确认了 {_describe(slot)}的咨询“{booking.topic}”。"]
        if meeting_info:
            lines.append(f"会面信息：{meeting_info}")
        if note:
            lines.append(f"专家留言：{note}")
        title = f"专家已确认预约：{booking.topic}"
    else:
        lines = [f"{slot.expert.name}婉拒了 {_describe(slot)}的咨询“{booking.topic}”。", f"说明：{note}",
                 "该时段已重新开放，您可以另选时段或其他专家。"]
        title = f"专家婉拒了预约：{booking.topic}"
    _notify(booking=booking, recipient=booking.requested_by, title=title, body="\n".join(lines))
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, actor, now: datetime | None = None) -> Booking:
    """The requester or a committee member/secretary of the community cancels before the slot starts; the
    expert is told (and the requester, when a colleague cancelled). A cancelled booking frees the slot."""
    if not permissions.can_cancel_booking(actor, booking):
        raise _deny()
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.status not in HOLDING_STATUSES:
        raise DomainError(ErrorCode.INVALID, f"该预约{booking.get_status_display()}，不能取消。", field="booking_id")
    if booking.slot.starts_at <= now:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "时段已开始，不能取消。", field="booking_id")
    booking.status, booking.cancelled_at, booking.cancelled_by = BookingStatus.CANCELLED, now, actor
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    audit_record(community=booking.community, actor=actor, action="experts.booking.cancel", obj=booking,
                 summary={"by": "community", "slot": booking.slot_id})
    slot = booking.slot
    _notify(booking=booking, recipient=slot.expert.user, title=f"预约已取消：{booking.topic}",
            body=f"{booking.community.name}取消了 {_describe(slot)}的咨询“{booking.topic}”，该时段已重新开放。")
    if booking.requested_by_id != actor.pk:
        _notify(booking=booking, recipient=booking.requested_by, title=f"您的专家预约已被取消：{booking.topic}",
                body=f"{actor}取消了您为{booking.community.name}预约的 {_describe(slot)}咨询“{booking.topic}”。")
    return booking
