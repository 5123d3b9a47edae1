"""The expert confirms or declines his own pending bookings before the slot starts; the requester or any
committee member/secretary of the community cancels before the slot starts. Each side hears of it."""

from datetime import timedelta

import pytest

from governance.errors import DomainError, ErrorCode
from knowledge.experts import services
from knowledge.experts.models import Booking, BookingStatus
from portal.accounts.models import Role

from .conftest import insite, membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(world) -> Booking:
    return services.booking_create(slot=world.slot(in_hours=30), community=world.a, topic="外墙渗水维修资金使用",
                                   actor=world.a_member)


def unchanged(booking, code, fn, **kwargs) -> DomainError:
    before = Booking.objects.filter(pk=booking.pk).values().get()
    with pytest.raises(DomainError) as caught:
        fn(booking=booking, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert Booking.objects.filter(pk=booking.pk).values().get() == before
    return caught.value


# --- respond ---------------------------------------------------------------------------------------------


def test_the_expert_confirms_with_meeting_information(world, booking):
    services.booking_respond(booking=booking, accept=True, meeting_info="腾讯会议 321-654-987", note="请准备好物业合同。",
                             actor=world.expert.user)
    booking.refresh_from_db()
    assert (booking.status, booking.meeting_info, booking.expert_note) == (
        BookingStatus.CONFIRMED, "腾讯会议 321-654-987", "请准备好物业合同。")
    assert booking.decided_at is not None
    [delivery] = insite(world.a_member)
    assert delivery.message.title == "专家已确认预约：外墙渗水维修资金使用"
    assert delivery.message.body.splitlines() == [
        f"周律师确认了 {booking.slot.span}（线上视频）的咨询“外墙渗水维修资金使用”。",
        "会面信息：腾讯会议 321-654-987", "专家留言：请准备好物业合同。"]
    assert delivery.message.community == world.a


def test_confirming_without_meeting_information_is_allowed(world, booking):
    services.booking_respond(booking=booking, accept=True, actor=world.expert.user)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.meeting_info == ""


def test_declining_needs_a_note_and_frees_the_slot(world, booking):
    assert unchanged(booking, ErrorCode.INVALID, services.booking_respond, accept=False, note="  ",
                     actor=world.expert.user).field == "note"
    services.booking_respond(booking=booking, accept=False, note="该问题涉及诉讼，建议另约现场咨询。",
                             meeting_info="ignored", actor=world.expert.user)
    booking.refresh_from_db()
    assert (booking.status, booking.expert_note, booking.meeting_info) == (
        BookingStatus.DECLINED, "该问题涉及诉讼，建议另约现场咨询。", "")
    assert insite(world.a_member)[0].message.title == "专家婉拒了预约：外墙渗水维修资金使用"
    again = services.booking_create(slot=booking.slot, community=world.a, topic="再次预约", actor=world.a_secretary)
    assert again.status == BookingStatus.PENDING


def test_note_and_meeting_information_are_at_most_500_characters(world, booking):
    unchanged(booking, ErrorCode.INVALID, services.booking_respond, accept=True, note="话" * 501,
              actor=world.expert.user)
    unchanged(booking, ErrorCode.INVALID, services.booking_respond, accept=True, meeting_info="会" * 501,
              actor=world.expert.user)
    services.booking_respond(booking=booking, accept=True, note="话" * 500, meeting_info="会" * 500,
                             actor=world.expert.user)


@pytest.mark.parametrize("who", ["other_expert", "a_member", "editor", "a_rc"])
def test_only_the_booked_expert_responds(world, booking, who):
    actor = world.other_expert.user if who == "other_expert" else getattr(world, who)
    unchanged(booking, ErrorCode.PERMISSION_DENIED, services.booking_respond, accept=True, actor=actor)


def test_an_expert_whose_role_ended_cannot_respond(world, booking):
    role = membership(world.expert.user, Role.EXPERT)
    role.active = False
    role.save()
    unchanged(booking, ErrorCode.PERMISSION_DENIED, services.booking_respond, accept=True, actor=world.expert.user)


def test_only_pending_bookings_are_answered(world, booking):
    services.booking_respond(booking=booking, accept=True, actor=world.expert.user)
    booking.refresh_from_db()
    error = unchanged(booking, ErrorCode.INVALID, services.booking_respond, accept=False, note="改主意",
                      actor=world.expert.user)
    assert error.message == "该预约已确认，不能再处理。"


def test_responding_closes_when_the_slot_starts(world, booking):
    start = booking.slot.starts_at
    unchanged(booking, ErrorCode.WINDOW_CLOSED, services.booking_respond, accept=True, actor=world.expert.user,
              now=start)
    services.booking_respond(booking=booking, accept=True, actor=world.expert.user, now=start - timedelta(seconds=1))


# --- cancel ----------------------------------------------------------------------------------------------


def test_the_requester_cancels_and_the_expert_is_told(world, booking):
    services.booking_cancel(booking=booking, actor=world.a_member)
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == (BookingStatus.CANCELLED, world.a_member)
    [told] = [d for d in insite(world.expert.user) if d.message.title.startswith("预约已取消")]
    assert told.message.body == f"阳光小区取消了 {booking.slot.span}（线上视频）的咨询“外墙渗水维修资金使用”，该时段已重新开放。"
    assert insite(world.a_member) == []


@pytest.mark.parametrize("who", ["a_member2", "a_secretary"])
def test_a_colleague_cancels_and_both_sides_are_told(world, booking, who):
    services.booking_cancel(booking=booking, actor=getattr(world, who))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert [d.message.title for d in insite(world.a_member)] == ["您的专家预约已被取消：外墙渗水维修资金使用"]
    assert any(d.message.title == "预约已取消：外墙渗水维修资金使用" for d in insite(world.expert.user))


def test_a_confirmed_booking_can_be_cancelled(world, booking):
    services.booking_respond(booking=booking, accept=True, actor=world.expert.user)
    services.booking_cancel(booking=booking, actor=world.a_member)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


@pytest.mark.parametrize("who", ["a_rc", "a_street", "a_property", "owner", "b_member", "editor", "expert"])
def test_others_may_not_cancel(world, booking, who):
    actor = world.expert.user if who == "expert" else getattr(world, who)
    unchanged(booking, ErrorCode.PERMISSION_DENIED, services.booking_cancel, actor=actor)


def test_the_requester_may_cancel_after_leaving_the_committee(world, booking):
    role = membership(world.a_member, Role.COMMITTEE_MEMBER)
    role.active = False
    role.save()
    services.booking_cancel(booking=booking, actor=world.a_member)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_cancelling_closes_when_the_slot_starts(world, booking):
    start = booking.slot.starts_at
    unchanged(booking, ErrorCode.WINDOW_CLOSED, services.booking_cancel, actor=world.a_member, now=start)
    services.booking_cancel(booking=booking, actor=world.a_member, now=start - timedelta(seconds=1))


@pytest.mark.parametrize("status", [BookingStatus.DECLINED, BookingStatus.CANCELLED])
def test_a_finished_booking_cannot_be_cancelled(world, booking, status):
    Booking.objects.filter(pk=booking.pk).update(status=status)
    booking.refresh_from_db()
    unchanged(booking, ErrorCode.INVALID, services.booking_cancel, actor=world.a_member)
