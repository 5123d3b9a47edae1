"""One test per permission rule, at its boundaries (the services' refusals are tested with the services)."""

import pytest

from knowledge.experts import permissions, selectors
from knowledge.experts.models import BookingStatus
from portal.accounts.models import Membership, Role
from tests.factories import UserFactory

from .conftest import membership
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_an_expert_is_bookable_while_published_and_in_role(world):
    expert = world.expert
    assert permissions.is_bookable(expert)
    assert set(selectors.listed_experts()) == {expert, world.other_expert}
    expert.live = False
    expert.save()
    assert not permissions.is_bookable(expert)
    assert expert not in selectors.listed_experts()
    expert.live = True
    expert.save()
    role = membership(expert.user, Role.EXPERT)
    role.active = False
    role.save()
    assert not permissions.is_bookable(expert)
    assert expert not in selectors.listed_experts()
    role.active = True
    role.save()
    expert.user.is_active = False
    expert.user.save()
    assert not permissions.is_bookable(expert)
    assert expert not in selectors.listed_experts()


def test_another_role_does_not_make_an_expert(world):
    expert = world.expert
    Membership.objects.filter(user=expert.user, role=Role.EXPERT).update(role=Role.EDITOR)
    assert not permissions.is_active_expert(expert.user)
    assert not permissions.is_bookable(expert)


def test_the_expert_admin_is_for_editors_and_superusers(world):
    admin = UserFactory(phone="13600000008", is_superuser=True)
    assert permissions.can_manage_experts(world.editor) and permissions.can_manage_experts(admin)
    for user in (world.a_member, world.a_rc, world.a_street, world.expert.user, world.owner):
        assert not permissions.can_manage_experts(user)
    membership(world.editor, Role.EDITOR).delete()
    assert not permissions.can_manage_experts(world.editor)


def test_slots_are_managed_by_the_expert_himself_or_an_editor(world):
    assert permissions.can_manage_slots(world.expert.user, world.expert)
    assert permissions.can_manage_slots(world.editor, world.expert)
    assert not permissions.can_manage_slots(world.other_expert.user, world.expert)
    assert not permissions.can_manage_slots(world.a_member, world.expert)


def test_booking_communities_are_the_committee_ones(world):
    assert list(permissions.booking_communities(world.a_member)) == [world.a]
    assert list(permissions.booking_communities(world.a_secretary)) == [world.a]
    assert list(permissions.booking_communities(world.b_member)) == [world.b]
    for user in (world.a_rc, world.a_street, world.a_property, world.owner, world.editor, world.expert.user):
        assert list(permissions.booking_communities(user)) == []
    Membership.objects.create(user=world.a_member, role=Role.COMMITTEE_SECRETARY, community=world.b)
    assert set(permissions.booking_communities(world.a_member)) == {world.a, world.b}


def test_booking_viewers_are_committee_and_government_staff(world):
    booking = BookingFactory(slot=world.slot(), community=world.a, requested_by=world.a_member)
    for user in (world.a_member, world.a_secretary, world.a_member2, world.a_rc, world.a_street, world.expert.user):
        assert permissions.can_view_booking(user, booking), user
    for user in (world.a_property, world.owner, world.b_member, world.other_expert.user, world.editor):
        assert not permissions.can_view_booking(user, booking), user


def test_respond_is_the_booked_expert_only(world):
    booking = BookingFactory(slot=world.slot(), community=world.a, requested_by=world.a_member)
    assert permissions.can_respond_booking(world.expert.user, booking)
    assert not permissions.can_respond_booking(world.other_expert.user, booking)
    assert not permissions.can_respond_booking(world.a_member, booking)


def test_cancel_is_the_requester_or_the_communitys_committee(world):
    booking = BookingFactory(slot=world.slot(), community=world.a, requested_by=world.a_member)
    for user in (world.a_member, world.a_secretary, world.a_member2):
        assert permissions.can_cancel_booking(user, booking)
    for user in (world.a_rc, world.a_street, world.b_member, world.expert.user, world.owner):
        assert not permissions.can_cancel_booking(user, booking)


def test_abilities_mirror_the_rules_for_a_whole_list(world):
    slot = world.slot()
    booking = BookingFactory(slot=slot, community=world.a, requested_by=world.a_member)
    expert_can = selectors.booking_abilities(world.expert.user)
    member_can = selectors.booking_abilities(world.a_member2)
    rc_can = selectors.booking_abilities(world.a_rc)
    assert (expert_can.can_respond(booking), expert_can.can_cancel(booking)) == (True, False)
    assert (member_can.can_respond(booking), member_can.can_cancel(booking)) == (False, True)
    assert (rc_can.can_respond(booking), rc_can.can_cancel(booking)) == (False, False)
    assert not expert_can.can_respond(booking, now=slot.starts_at)
    assert not member_can.can_cancel(booking, now=slot.starts_at)
    booking.status = BookingStatus.CONFIRMED
    assert not expert_can.can_respond(booking) and member_can.can_cancel(booking)
