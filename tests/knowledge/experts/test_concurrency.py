"""On PostgreSQL: committees booking at the same instant. The slot row lock (with the conditional unique
constraint behind it) lets exactly one booking hold a slot; the community row lock keeps the open-bookings limit."""

import pytest

from governance.errors import ErrorCode
from knowledge.experts import services
from knowledge.experts.models import Booking, BookingStatus
from tests.concurrency import run_threads
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_communities_booking_one_slot_at_once_leave_exactly_one_booking(world):
    slot = world.slot(in_hours=30)
    outcomes = run_threads([
        lambda: services.booking_create(slot=slot, community=world.a, topic="电梯更新", actor=world.a_member).pk,
        lambda: services.booking_create(slot=slot, community=world.b, topic="停车收费", actor=world.b_member).pk,
    ])
    assert sorted(o[0] for o in outcomes) == ["error", "ok"], outcomes
    assert [o for o in outcomes if o[0] == "error"] == [("error", ErrorCode.SLOT_TAKEN)]
    [booking] = Booking.objects.filter(slot=slot)
    assert booking.status == BookingStatus.PENDING
    assert ("ok", booking.pk) in outcomes


def test_many_communities_racing_for_one_slot(world):
    slot = world.slot(in_hours=30)
    members = []
    for i in range(8):
        community = CommunityFactory(code=f"race{i}", name=f"赛跑小区{i}")
        member = UserFactory(phone=f"1386666{i:04d}")
        MembershipFactory(user=member, community=community)
        members.append((member, community))
    outcomes = run_threads([lambda m=m, c=c: services.booking_create(slot=slot, community=c, topic="同一时段",
                                                                       actor=m).pk for m, c in members])
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    assert all(o == ("error", ErrorCode.SLOT_TAKEN) for o in outcomes if o[0] != "ok"), outcomes
    assert Booking.objects.filter(slot=slot).count() == 1


def test_one_community_racing_for_two_slots_keeps_its_limit(world, settings):
    settings.EXPERT_MAX_OPEN_BOOKINGS = 1
    first, second = world.slot(in_hours=30), world.slot(in_hours=40)
    outcomes = run_threads([
        lambda: services.booking_create(slot=first, community=world.a, topic="电梯更新", actor=world.a_member).pk,
        lambda: services.booking_create(slot=second, community=world.a, topic="停车收费", actor=world.a_secretary).pk,
    ])
    assert sorted(o[0] for o in outcomes) == ["error", "ok"], outcomes
    assert [o for o in outcomes if o[0] == "error"] == [("error", ErrorCode.RATE_LIMITED)]
    assert Booking.objects.filter(community=world.a).count() == 1
