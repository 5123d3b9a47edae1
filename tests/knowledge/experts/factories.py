"""Factories for 专家预约: expert profiles (published by default), slots and bookings written directly, so a
test can set up any state (past slots, held slots) without going through the rules it does not test."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from knowledge.experts.models import Booking, BookingStatus, ExpertProfile, ExpertSlot, SlotMode
from portal.accounts.models import Membership, Role
from tests.factories import UserFactory


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"专家{n}")
    title = "律师"
    organisation = "明理律师事务所"
    specialties = "物业纠纷、维修资金"
    bio = "长期为业委会提供法律咨询。"
    live = True


def make_expert(*, name="周明远", active=True, live=True, **kwargs) -> ExpertProfile:
    """A user holding the expert role (active or not) and his profile (published or draft)."""
    profile = ExpertProfileFactory(name=name, live=live, **kwargs)
    Membership.objects.create(user=profile.user, role=Role.EXPERT, active=active)
    return profile


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertSlot

    expert = factory.SubFactory(ExpertProfileFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    mode = SlotMode.VIDEO
    place = ""


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory)
    community = None
    requested_by = None
    topic = "地下车位产权纠纷"
    details = ""
    status = BookingStatus.PENDING
