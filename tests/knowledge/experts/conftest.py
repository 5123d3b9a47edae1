"""Two communities and one person for every kind of actor around an expert booking.

A is 阳光小区 (its committee member 陈委员, secretary 刘秘书, a second member 王委员, residents'-committee and
street staff, property staff, an owner without a role); B is 碧水小区 with its own member 赵委员. The expert
周律师 is published and active; an editor manages the admin. Every B record carries a marker ("碧水") so a test
can assert it never reaches A's people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from governance.office.models import Delivery
from governance.registry.models import Community
from knowledge.experts.models import ExpertProfile, ExpertSlot
from portal.accounts.models import Membership, Role, User
from tests.factories import CommunityFactory, MembershipFactory, ResidentsCommitteeFactory, UserFactory

from .factories import SlotFactory, make_expert

BACKEND = "governance.registry.admin_scoping.RoleAdminAccessBackend"


@dataclass
class World:
    a: Community
    b: Community
    a_member: User
    a_secretary: User
    a_member2: User
    a_rc: User
    a_street: User
    a_property: User
    owner: User
    b_member: User
    expert: ExpertProfile
    other_expert: ExpertProfile
    editor: User

    def slot(self, *, expert=None, in_hours: float = 48, minutes: int = 60, **kwargs) -> ExpertSlot:
        start = timezone.now().replace(microsecond=0) + timedelta(hours=in_hours)
        return SlotFactory(expert=expert or self.expert, starts_at=start, ends_at=start + timedelta(minutes=minutes),
                           **kwargs)


@pytest.fixture(autouse=True)
def _role_admin_backend(settings):
    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]


@pytest.fixture
def world(db) -> World:
    rc = ResidentsCommitteeFactory(name="阳光社区居委会")
    a = CommunityFactory(code="sunny", name="阳光小区", residents_committee=rc)
    b = CommunityFactory(code="blue", name="碧水小区")

    def staff(phone, name, role, **scope):
        user = UserFactory(phone=phone, display_name=name)
        MembershipFactory(user=user, role=role, **({"community": None} | scope))
        return user

    world = World(
        a=a, b=b,
        a_member=staff("13811110001", "陈委员", Role.COMMITTEE_MEMBER, community=a),
        a_secretary=staff("13811110002", "刘秘书", Role.COMMITTEE_SECRETARY, community=a),
        a_member2=staff("13811110003", "王委员", Role.COMMITTEE_MEMBER, community=a),
        a_rc=staff("13811110004", "居委会李主任", Role.RC_STAFF, residents_committee=rc),
        a_street=staff("13811110005", "街道周科长", Role.STREET_STAFF, street=rc.street),
        a_property=staff("13811110006", "物业老赵", Role.PROPERTY_STAFF, community=a),
        owner=UserFactory(phone="13811110007", display_name="业主老孙"),
        b_member=staff("13822220001", "碧水赵委员", Role.COMMITTEE_MEMBER, community=b),
        expert=make_expert(name="周律师", user=UserFactory(phone="13833330001", display_name="周律师")),
        other_expert=make_expert(name="吴工程师", title="高级工程师",
                                 user=UserFactory(phone="13833330002", display_name="吴工程师")),
        editor=staff("13844440001", "编辑小林", Role.EDITOR),
    )
    return world


def insite(user) -> list[Delivery]:
    """The in-site deliveries addressed to `user`, oldest first, with their messages."""
    return list(Delivery.objects.filter(recipient=user, channel="insite").select_related("message", "message__community")
                .order_by("pk"))


def membership(user, role) -> Membership:
    return Membership.objects.get(user=user, role=role)
