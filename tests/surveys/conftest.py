"""Two communities and one person for every kind of actor, and a helper that publishes a survey.

A is 阳光小区 (东城街道): 1栋 101, 102 and 2栋 201. 王业主 owns 101 and 201, 李业主 owns 102, 王太太 is a
verified co-owner of 101, 赵租户 rents 102 (verified residency), 钱待认证 has an unverified ownership of 201.
B is 碧水小区 (西城街道) with its own owner 孙业主 in 九号楼 9901.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.registry.models import Building, Community, OwnershipRole, Unit
from governance.surveys import services
from portal.accounts.models import Membership, Role, User
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    PersonFactory,
    ResidencyFactory,
    ResidentsCommitteeFactory,
    StreetFactory,
    UnitFactory,
    UserFactory,
)

BACKEND = "governance.registry.admin_scoping.RoleAdminAccessBackend"


@pytest.fixture(autouse=True)
def _role_admin_backend(settings):
    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]


@dataclass
class World:
    a: Community
    b: Community
    b1: Building
    b2: Building
    u101: Unit
    u102: Unit
    u201: Unit
    b_unit: Unit
    owner: User  # 王业主: 101 and 201
    owner2: User  # 李业主: 102
    coowner: User  # 王太太: co-owner of 101
    tenant: User  # 赵租户: 102
    unverified: User  # 钱待认证: unverified owner of 201
    owner_b: User  # 孙业主 of B
    chair: User  # committee member of A
    secretary: User
    property_staff: User
    rc_staff: User
    street_staff: User
    committee_b: User
    superuser: User


def _owner(unit, name, phone, *, verified=True, role=OwnershipRole.PRIMARY, user=None):
    user = user or UserFactory(phone=phone, display_name=name)
    person = PersonFactory(community=unit.community, name=name, phone=phone, user=user)
    OwnershipFactory(unit=unit, person=person, verified=verified, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    rc_a = ResidentsCommitteeFactory(street=StreetFactory(name="东城街道"), name="东城居委会")
    rc_b = ResidentsCommitteeFactory(street=StreetFactory(name="西城街道"), name="西城居委会")
    a = CommunityFactory(code="yangguang", name="阳光小区", residents_committee=rc_a)
    b = CommunityFactory(code="bishui", name="碧水小区", residents_committee=rc_b)
    b1 = BuildingFactory(community=a, name="1栋", sort_key=1)
    b2 = BuildingFactory(community=a, name="2栋", sort_key=2)
    b9 = BuildingFactory(community=b, name="九号楼", sort_key=9)
    u101 = UnitFactory(building=b1, room="101", floor=1, area=Decimal("90.00"))
    u102 = UnitFactory(building=b1, room="102", floor=1, area=Decimal("80.00"))
    u201 = UnitFactory(building=b2, room="201", floor=2, area=Decimal("100.00"))
    b_unit = UnitFactory(building=b9, room="9901", floor=99, area=Decimal("70.00"))
    owner = _owner(u101, "王业主", "13800000101")
    person = owner.persons.get()
    OwnershipFactory(unit=u201, person=person, verified=True)
    owner2 = _owner(u102, "李业主", "13800000102")
    coowner = _owner(u101, "王太太", "13800000103", role=OwnershipRole.CO_OWNER)
    tenant = ResidencyFactory(unit=u102, user=UserFactory(phone="13800000104", display_name="赵租户"),
                              name="赵租户", verified=True).user
    unverified = _owner(u201, "钱待认证", "13800000105", verified=False)
    owner_b = _owner(b_unit, "孙业主", "13800000909")
    chair = MembershipFactory(user=UserFactory(phone="13600000001"), role=Role.COMMITTEE_MEMBER, community=a).user
    secretary = MembershipFactory(user=UserFactory(phone="13600000002"), role=Role.COMMITTEE_SECRETARY,
                                  community=a).user
    property_staff = MembershipFactory(user=UserFactory(phone="13600000003"), role=Role.PROPERTY_STAFF,
                                       community=a).user
    rc_staff = Membership.objects.create(user=UserFactory(phone="13600000004"), role=Role.RC_STAFF,
                                         residents_committee=rc_a).user
    street_staff = Membership.objects.create(user=UserFactory(phone="13600000005"), role=Role.STREET_STAFF,
                                             street=rc_a.street).user
    committee_b = MembershipFactory(user=UserFactory(phone="13600000009"), role=Role.COMMITTEE_MEMBER,
                                    community=b).user
    superuser = UserFactory(phone="13600000000", is_superuser=True, is_staff=True)
    return World(a, b, b1, b2, u101, u102, u201, b_unit, owner, owner2, coowner, tenant, unverified, owner_b,
                 chair, secretary, property_staff, rc_staff, street_staff, committee_b, superuser)


ALL_KINDS = [
    {"kind": "single", "text": "您对物业服务总体是否满意？", "options": ["满意", "一般", "不满意"]},
    {"kind": "multiple", "text": "您希望优先改进哪些方面？", "options": ["保洁", "绿化", "停车", "安保"]},
    {"kind": "rating", "text": "请为小区保洁打分"},
    {"kind": "number", "text": "您家有几辆机动车？", "min_value": "0", "max_value": "10"},
    {"kind": "text", "text": "其他意见和建议", "required": False},
]


def publish(world, *, actor=None, community=None, publisher_kind="committee", questions=None, open_=True,
            opens_at=None, closes_at=None, **kwargs):
    """Create (and by default open) a survey of A by its committee, with one question of every kind."""
    now = timezone.now()
    survey = services.survey_create(
        community=community or world.a, actor=actor or world.chair, publisher_kind=publisher_kind,
        title=kwargs.pop("title", "物业服务满意度调查"), questions=questions or ALL_KINDS,
        opens_at=opens_at or now - timedelta(hours=1), closes_at=closes_at or now + timedelta(days=7), **kwargs,
    )
    if open_:
        survey = services.survey_open(survey=survey, actor=actor or world.chair)
    return survey


def qs(survey):
    """The survey's questions by number, and {number: {option text: option id}}."""
    questions = {q.order: q for q in survey.questions.prefetch_related("options").order_by("order")}
    options = {n: {o.text: o.pk for o in q.options.all()} for n, q in questions.items()}
    return questions, options


def good_answers(survey, *, single="满意", multiple=("保洁", "停车"), rating=4, number="2", text="希望增加充电桩"):
    questions, options = qs(survey)
    return {
        questions[1].pk: options[1][single],
        questions[2].pk: [options[2][m] for m in multiple],
        questions[3].pk: rating,
        questions[4].pk: number,
        questions[5].pk: text,
    }
