"""Slots: the expert (or an editor) opens 15–240 minute slots in the future that overlap none of the expert's live
slots; cancelling a slot cancels its booking and tells the requester."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from governance.errors import DomainError, ErrorCode
from knowledge.experts import services
from knowledge.experts.models import LOCAL_TZ, BookingStatus, ExpertSlot, SlotMode
from portal.accounts.models import Role

from .conftest import insite, membership
from .factories import BookingFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=LOCAL_TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL_TZ)


def create(world, start, end, *, actor=None, expert=None, mode=SlotMode.VIDEO, place=""):
    return services.slot_create(expert=expert or world.expert, starts_at=start, ends_at=end, mode=mode, place=place,
                                actor=actor or world.expert.user, now=NOW)


def refused(code, fn, *args, **kwargs) -> DomainError:
    before = ExpertSlot.objects.count()
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert ExpertSlot.objects.count() == before
    return caught.value


# --- creating --------------------------------------------------------------------------------------------


def test_the_expert_opens_a_slot(world):
    slot = create(world, at(3, 14), at(3, 15), mode=SlotMode.ONSITE, place=" 阳光小区物业中心二楼 ")
    assert (slot.expert, slot.mode, slot.place, slot.created_by) == (world.expert, "onsite", "阳光小区物业中心二楼",
                                                                     world.expert.user)
    assert slot.span == "11月3日 14:00–15:00"


@pytest.mark.parametrize("minutes, ok", [(14, False), (15, True), (240, True), (241, False)])
def test_a_slot_lasts_15_to_240_minutes(world, minutes, ok):
    start = at(3, 9)
    if ok:
        assert create(world, start, start + timedelta(minutes=minutes)).pk
    else:
        error = refused(ErrorCode.INVALID, create, world, start, start + timedelta(minutes=minutes))
        assert error.field == "ends_at"


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(minutes=-30)])
def test_a_slot_ends_after_it_starts(world, delta):
    error = refused(ErrorCode.INVALID, create, world, at(3, 9), at(3, 9) + delta)
    assert error.message == "结束时间须晚于开始时间。"


def test_a_slot_starts_in_the_future(world):
    refused(ErrorCode.INVALID, create, world, NOW, NOW + timedelta(hours=1))
    refused(ErrorCode.INVALID, create, world, NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    assert create(world, NOW + timedelta(seconds=1), NOW + timedelta(hours=1)).pk


def test_overlap_names_the_conflicting_slot_in_shanghai_time(world):
    create(world, at(3, 14), at(3, 15, 30))
    error = refused(ErrorCode.INVALID, create, world, at(3, 15), at(3, 16))
    assert error.message == "与已有时段 11月3日 14:00–15:30 重叠。"
    refused(ErrorCode.INVALID, create, world, at(3, 13), at(3, 17))   # encloses it
    refused(ErrorCode.INVALID, create, world, at(3, 14, 30), at(3, 15))  # inside it


def test_touching_slots_cancelled_slots_and_other_experts_do_not_overlap(world):
    first = create(world, at(3, 14), at(3, 15))
    assert create(world, at(3, 15), at(3, 16)).pk
    assert create(world, at(3, 13), at(3, 14)).pk
    services.slot_cancel(slot=first, actor=world.expert.user, now=NOW)
    assert create(world, at(3, 14), at(3, 15)).pk
    assert create(world, at(3, 14), at(3, 15), expert=world.other_expert, actor=world.other_expert.user).pk


def test_unknown_mode_and_long_place_are_invalid(world):
    assert refused(ErrorCode.INVALID, create, world, at(3, 9), at(3, 10), mode="zoom").field == "mode"
    assert refused(ErrorCode.INVALID, create, world, at(3, 9), at(3, 10), place="地" * 201).field == "place"
    assert create(world, at(3, 9), at(3, 10), place="地" * 200).pk


def test_an_editor_opens_slots_for_any_expert(world):
    slot = create(world, at(4, 9), at(4, 10), actor=world.editor, expert=world.other_expert)
    assert slot.created_by == world.editor


@pytest.mark.parametrize("who", ["a_member", "owner", "a_rc", "other_expert_user"])
def test_others_may_not_open_an_experts_slots(world, who):
    actor = world.other_expert.user if who == "other_expert_user" else getattr(world, who)
    refused(ErrorCode.PERMISSION_DENIED, create, world, at(3, 9), at(3, 10), actor=actor)


def test_an_expert_whose_role_ended_may_not_open_slots(world):
    role = membership(world.expert.user, Role.EXPERT)
    role.active = False
    role.save()
    refused(ErrorCode.PERMISSION_DENIED, create, world, at(3, 9), at(3, 10))


# --- cancelling ------------------------------------------------------------------------------------------


def test_cancelling_a_slot_cancels_its_booking_and_tells_the_requester(world):
    slot = world.slot(in_hours=30)
    booking = BookingFactory(slot=slot, community=world.a, requested_by=world.a_member, status=BookingStatus.CONFIRMED)
    old = BookingFactory(slot=slot, community=world.b, requested_by=world.b_member, status=BookingStatus.DECLINED)

    services.slot_cancel(slot=slot, actor=world.expert.user)

    slot.refresh_from_db()
    booking.refresh_from_db()
    old.refresh_from_db()
    assert slot.cancelled_at is not None and slot.cancelled_by == world.expert.user
    assert (booking.status, booking.cancelled_by) == (BookingStatus.CANCELLED, world.expert.user)
    assert old.status == BookingStatus.DECLINED
    [delivery] = insite(world.a_member)
    assert delivery.message.title == "专家预约已取消：地下车位产权纠纷"
    assert "周律师取消了" in delivery.message.body
    assert delivery.message.community == world.a
    assert delivery.message.link == f"/experts/bookings/{booking.pk}/"
    assert insite(world.b_member) == []


def test_a_slot_without_booking_is_cancelled_quietly(world):
    slot = world.slot()
    services.slot_cancel(slot=slot, actor=world.editor)
    slot.refresh_from_db()
    assert slot.cancelled_by == world.editor
    assert insite(world.expert.user) == []


def test_a_cancelled_slot_cannot_be_cancelled_again(world):
    slot = world.slot()
    services.slot_cancel(slot=slot, actor=world.expert.user)
    with pytest.raises(DomainError) as caught:
        services.slot_cancel(slot=slot, actor=world.expert.user)
    assert caught.value.code == ErrorCode.INVALID


def test_a_started_slot_cannot_be_cancelled(world):
    slot = world.slot(in_hours=1)
    booking = BookingFactory(slot=slot, community=world.a, requested_by=world.a_member)
    with pytest.raises(DomainError) as caught:
        services.slot_cancel(slot=slot, actor=world.expert.user, now=slot.starts_at)
    assert caught.value.code == ErrorCode.WINDOW_CLOSED
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.cancelled_at is None and booking.status == BookingStatus.PENDING
    services.slot_cancel(slot=slot, actor=world.expert.user, now=slot.starts_at - timedelta(seconds=1))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_another_expert_may_not_cancel_the_slot(world):
    slot = world.slot()
    with pytest.raises(DomainError) as caught:
        services.slot_cancel(slot=slot, actor=world.other_expert.user)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    slot.refresh_from_db()
    assert slot.cancelled_at is None


def test_the_database_refuses_a_slot_that_ends_before_it_starts(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        start = timezone.now() + timedelta(days=1)
        ExpertSlot.objects.create(expert=world.expert, starts_at=start, ends_at=start)
