"""Factories that build a realistic registry for tests."""

from decimal import Decimal

import factory

from governance.registry.models import (
    Building,
    Community,
    Ownership,
    OwnershipRole,
    Person,
    Residency,
    ResidentsCommittee,
    Street,
    Unit,
)
from portal.accounts.models import Membership, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    phone = factory.Sequence(lambda n: f"137{n % 10**8:08d}")  # 11 digits however many users a run makes
    username = factory.LazyAttribute(lambda o: o.phone)
    phone_verified = True
    password = factory.django.Password("demo1234")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试街道{n}")


class ResidentsCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentsCommittee

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试居委会{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"c{n}")
    name = factory.Sequence(lambda n: f"测试小区{n}")
    residents_committee = factory.SubFactory(ResidentsCommitteeFactory)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")
    sort_key = factory.Sequence(lambda n: n + 1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    community = factory.LazyAttribute(lambda o: o.building.community)
    entrance = "1"
    floor = 5
    room = factory.Sequence(lambda n: f"{500 + n}")
    area = Decimal("89.25")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"业主{n}")
    phone = factory.Sequence(lambda n: f"138{n % 10**8:08d}")


class OwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ownership

    unit = factory.SubFactory(UnitFactory)
    person = factory.SubFactory(PersonFactory, community=factory.SelfAttribute("..unit.community"))
    role = OwnershipRole.PRIMARY
    verified = False


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency

    unit = factory.SubFactory(UnitFactory)
    user = factory.SubFactory(UserFactory)
    name = "租户"
    verified = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COMMITTEE_MEMBER
    community = factory.SubFactory(CommunityFactory)
