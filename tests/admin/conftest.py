"""Two communities on two streets, and one person for every kind of actor.

A is 阳光小区 on 东城街道; B is 碧水小区 on 西城街道. Every B row carries a unique marker
(room 9901, person 乙某某, building 九号楼) so a test can assert it never reaches A's staff.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from governance.registry import services
from governance.registry.models import Building, Community, Ownership, Person, Unit, UnitApplication
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

A_PHONE = "13811112222"
B_PHONE = "13933334444"


@pytest.fixture(autouse=True)
def _role_admin_backend(settings):
    """Staff enter the admin through RoleAdminAccessBackend; until settings list it, the tests add it."""
    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]


def png_upload(name="proof.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class Side:
    community: Community
    building: Building
    unit: Unit
    person: Person
    ownership: Ownership
    application: UnitApplication
    applicant: User


@dataclass
class World:
    a: Side
    b: Side
    committee_a: User
    property_a: User
    street_a: User
    tenant_a: User
    owner_a: User
    superuser: User


def _side(*, street_name, rc_name, code, name, building, room, person_name, phone, applicant_phone, applicant_name):
    committee = ResidentsCommitteeFactory(street=StreetFactory(name=street_name), name=rc_name)
    community = CommunityFactory(code=code, name=name, residents_committee=committee)
    building = BuildingFactory(community=community, name=building)
    unit = UnitFactory(building=building, room=room, floor=int(room[:-2]), area=Decimal("88.50"))
    person = PersonFactory(community=community, name=person_name, phone=phone)
    ownership = OwnershipFactory(unit=unit, person=person, verified=False)
    applicant = UserFactory(phone=applicant_phone)
    application = services.coowner_apply(
        user=applicant, unit=unit, name=applicant_name, phone=applicant_phone, proof=png_upload(),
        note="共有人，附结婚证",
    )
    return Side(community, building, unit, person, ownership, application, applicant)


@pytest.fixture
def world(db) -> World:
    a = _side(street_name="东城街道", rc_name="东城居委会", code="yangguang", name="阳光小区", building="1栋",
              room="101", person_name="张甲某", phone=A_PHONE, applicant_phone="13700000101",
              applicant_name="张甲妻")
    b = _side(street_name="西城街道", rc_name="西城居委会", code="bishui", name="碧水小区", building="九号楼",
              room="9901", person_name="乙某某", phone=B_PHONE, applicant_phone="13700000909",
              applicant_name="乙某妻")
    committee_a = MembershipFactory(user=UserFactory(phone="13600000001"), role=Role.COMMITTEE_MEMBER,
                                    community=a.community).user
    property_a = MembershipFactory(user=UserFactory(phone="13600000002"), role=Role.PROPERTY_STAFF,
                                   community=a.community).user
    street_a = Membership.objects.create(
        user=UserFactory(phone="13600000003"), role=Role.STREET_STAFF, street=a.community.residents_committee.street
    ).user
    tenant_a = ResidencyFactory(unit=a.unit, user=UserFactory(phone="13600000004"), verified=True).user
    owner_a = UserFactory(phone="13600000005")
    OwnershipFactory(unit=UnitFactory(building=a.building, room="102", floor=1), verified=True,
                     person=PersonFactory(community=a.community, user=owner_a, phone="13600000005"))
    superuser = UserFactory(phone="13600000009", is_superuser=True, is_staff=True)
    return World(a, b, committee_a, property_a, street_a, tenant_a, owner_a, superuser)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def sidebar_menu(response) -> dict[str, str]:
    """The admin sidebar's menu items as {label: url} (the sidebar is JSON with escaped Chinese)."""
    import json
    import re

    html = response.content.decode()
    match = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no sidebar in the page"
    items: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            if "label" in node and ("url" in node or "footer_text" in node):
                items[node["label"]] = node.get("url", "")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(match.group(1)))
    return items
