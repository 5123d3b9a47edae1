"""Booking a slot: a committee member or secretary of the community books a live slot of a bookable expert at
least EXPERT_BOOKING_MIN_LEAD_HOURS ahead; one holding booking per slot; at most EXPERT_MAX_OPEN_BOOKINGS
open bookings per community; the expert is told in the in-site inbox."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.errors import DomainError, ErrorCode
from knowledge.experts import services
from knowledge.experts.models import Booking, BookingStatus
from portal.accounts.models import Role

from .conftest import insite, membership
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def book(world, slot, *, actor=None, community=None, topic="地下车位产权纠纷", details="", now=None):
    return services.booking_create(slot=slot, community=community or world.a, topic=topic, details=details,
                                   actor=actor or world.a_member, now=now)


def refused(code, fn, *args, **kwargs) -> DomainError:
    before = list(Booking.objects.values_list("pk", "status"))
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert list(Booking.objects.values_list("pk", "status")) == before
    return caught.value


def test_a_committee_member_books_and_the_expert_is_told(world, django_capture_on_commit_callbacks):
    slot = world.slot(in_hours=30)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(world, slot, topic=" 地下车位产权纠纷 ", details="开发商把地下车位出租给外来车辆。")
    assert (booking.slot, booking.community, booking.requested_by, booking.status) == (
        slot, world.a, world.a_member, BookingStatus.PENDING)
    assert (booking.topic, booking.details) == ("地下车位产权纠纷", "开发商把地下车位出租给外来车辆。")
    [delivery] = insite(world.expert.user)
    assert delivery.status == "sent"  # delivered to the inbox after commit
    message = delivery.message
    assert message.title == "新的咨询预约：地下车位产权纠纷"
    assert message.community == world.a and message.kind == "system" and message.created_by is None
    assert message.link == f"/experts/bookings/{booking.pk}/"
    assert message.body.startswith(f"阳光小区的陈委员预约了您 {slot.span}（线上视频）的咨询时段。")
    assert "说明：开发商把地下车位出租给外来车辆。" in message.body


def test_the_secretary_may_book_too(world):
    assert book(world, world.slot(), actor=world.a_secretary).requested_by == world.a_secretary


@pytest.mark.parametrize("who", ["a_rc", "a_street", "a_property", "owner", "editor", "b_member"])
def test_only_the_communitys_committee_books(world, who):
    error = refused(ErrorCode.PERMISSION_DENIED, book, world, world.slot(), actor=getattr(world, who))
    assert error.field == "community_id"
    assert insite(world.expert.user) == []


def test_a_member_books_only_for_his_own_community(world):
    refused(ErrorCode.PERMISSION_DENIED, book, world, world.slot(), actor=world.a_member, community=world.b)


def test_an_ended_membership_may_not_book(world):
    role = membership(world.a_member, Role.COMMITTEE_MEMBER)
    role.active = False
    role.save()
    refused(ErrorCode.PERMISSION_DENIED, book, world, world.slot())


def test_a_superuser_is_not_a_committee_member(world):
    from tests.factories import UserFactory

    admin = UserFactory(phone="13600000009", is_superuser=True)
    refused(ErrorCode.PERMISSION_DENIED, book, world, world.slot(), actor=admin)


@pytest.mark.parametrize("topic, ok", [("纠", False), ("纠纷", True), ("纠" * 100, True), ("纠" * 101, False),
                                       ("   ", False)])
def test_topic_is_2_to_100_characters(world, topic, ok):
    if ok:
        assert book(world, world.slot(), topic=topic).topic == topic
    else:
        assert refused(ErrorCode.INVALID, book, world, world.slot(), topic=topic).field == "topic"


def test_details_are_at_most_2000_characters(world):
    assert refused(ErrorCode.INVALID, book, world, world.slot(), details="细" * 2001).field == "details"
    assert len(book(world, world.slot(), details="细" * 2000).details) == 2000


def test_a_cancelled_slot_cannot_be_booked(world):
    slot = world.slot()
    services.slot_cancel(slot=slot, actor=world.expert.user)
    assert refused(ErrorCode.INVALID, book, world, slot).message == "该时段已取消，请选择其他时段。"


@pytest.mark.parametrize("change", ["draft", "role_ended", "no_role", "account_disabled"])
def test_an_expert_who_is_not_bookable_cannot_be_booked(world, change):
    slot = world.slot()
    expert = world.expert
    if change == "draft":
        expert.live = False
        expert.save()
    elif change == "role_ended":
        membership(expert.user, Role.EXPERT).delete()
        from portal.accounts.models import Membership

        Membership.objects.create(user=expert.user, role=Role.EXPERT, active=False)
    elif change == "no_role":
        membership(expert.user, Role.EXPERT).delete()
    else:
        expert.user.is_active = False
        expert.user.save()
    assert refused(ErrorCode.INVALID, book, world, slot).message == "该专家目前不接受预约。"


def test_booking_closes_two_hours_before_the_slot(world):
    slot = world.slot(in_hours=48)
    refused(ErrorCode.WINDOW_CLOSED, book, world, slot, now=slot.starts_at - timedelta(hours=2) + timedelta(seconds=1))
    refused(ErrorCode.WINDOW_CLOSED, book, world, slot, now=slot.starts_at + timedelta(minutes=5))
    assert book(world, slot, now=slot.starts_at - timedelta(hours=2)).pk


def test_the_lead_time_is_a_setting(world, settings):
    settings.EXPERT_BOOKING_MIN_LEAD_HOURS = 24
    slot = world.slot(in_hours=48)
    error = refused(ErrorCode.WINDOW_CLOSED, book, world, slot, now=slot.starts_at - timedelta(hours=23, minutes=59))
    assert error.message == "须在时段开始前至少 24 小时预约。"
    assert book(world, slot, now=slot.starts_at - timedelta(hours=24)).pk


@pytest.mark.parametrize("status", [BookingStatus.PENDING, BookingStatus.CONFIRMED])
def test_a_held_slot_is_taken(world, status):
    slot = world.slot()
    BookingFactory(slot=slot, community=world.b, requested_by=world.b_member, status=status)
    error = refused(ErrorCode.SLOT_TAKEN, book, world, slot)
    assert error.message == "该时段已被预约，请选择其他时段。"


@pytest.mark.parametrize("status", [BookingStatus.DECLINED, BookingStatus.CANCELLED])
def test_declined_or_cancelled_bookings_free_the_slot(world, status):
    slot = world.slot()
    BookingFactory(slot=slot, community=world.b, requested_by=world.b_member, status=status)
    assert book(world, slot).status == BookingStatus.PENDING


def test_a_community_holds_at_most_three_open_future_bookings(world):
    for _ in range(3):
        book(world, world.slot(in_hours=30 + 2 * Booking.objects.count()))
    error = refused(ErrorCode.RATE_LIMITED, book, world, world.slot(in_hours=100), actor=world.a_secretary)
    assert error.message == "本小区已有 3 个未结束的专家预约，请在咨询结束或取消后再预约。"
    # another community is not limited by A's bookings
    assert book(world, world.slot(in_hours=100, expert=world.other_expert), actor=world.b_member,
                community=world.b).pk


def test_past_declined_and_cancelled_bookings_do_not_count(world):
    past = world.slot(in_hours=-5)
    BookingFactory(slot=past, community=world.a, requested_by=world.a_member, status=BookingStatus.CONFIRMED)
    for status in (BookingStatus.DECLINED, BookingStatus.CANCELLED):
        BookingFactory(slot=world.slot(in_hours=60 + Booking.objects.count()), community=world.a,
                       requested_by=world.a_member, status=status)
    BookingFactory(slot=world.slot(in_hours=80), community=world.a, requested_by=world.a_member,
                   status=BookingStatus.CONFIRMED)
    book(world, world.slot(in_hours=90))
    assert book(world, world.slot(in_hours=95)).pk  # the third open one
    refused(ErrorCode.RATE_LIMITED, book, world, world.slot(in_hours=99))


def test_the_open_bookings_limit_is_a_setting(world, settings):
    settings.EXPERT_MAX_OPEN_BOOKINGS = 1
    book(world, world.slot(in_hours=30))
    refused(ErrorCode.RATE_LIMITED, book, world, world.slot(in_hours=40))


def test_the_database_keeps_one_holding_booking_per_slot(world):
    slot = world.slot()
    BookingFactory(slot=slot, community=world.a, requested_by=world.a_member, status=BookingStatus.CONFIRMED)
    BookingFactory(slot=slot, community=world.b, requested_by=world.b_member, status=BookingStatus.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(slot=slot, community=world.b, requested_by=world.b_member, status=BookingStatus.PENDING)


def test_booking_records_an_audit_event(world):
    from governance.audit.models import AuditEvent

    booking = book(world, world.slot())
    event = AuditEvent.objects.get(action="experts.booking.create")
    assert (event.community, event.actor, event.object_id) == (world.a, world.a_member, str(booking.pk))
    assert timezone.now() - event.created_at < timedelta(minutes=1)


@pytest.mark.parametrize(("topic", "details", "field", "label"), [
    ("请回电 13812345678", "", "topic", "咨询主题"),
    ("地下车位产权纠纷", "业主张先生 139-1234-5678，身份证 110101199003071234", "details", "问题说明"),
])
def test_a_booking_with_a_phone_or_id_number_is_refused_and_nothing_is_written(world, topic, details, field, label,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        error = refused(ErrorCode.INVALID, book, world, world.slot(), topic=topic, details=details)
    assert (error.field, error.message) == (field, f"请删除手机号、身份证号等个人信息：{label}")
    assert not Booking.objects.exists() and insite(world.expert.user) == []
