"""`me`: who the signed-in user is, in which roles, with which units — phone always masked."""

from decimal import Decimal

import pytest

from governance.registry.models import OwnershipRole
from portal.accounts.models import PropertyTeam, Role
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    PersonFactory,
    ResidencyFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ME = """
query {
  me {
    id maskedPhone displayName
    memberships {
      role roleLabel title team teamLabel
      scope { kind name community { code name } residentsCommitteeName streetName }
    }
    units {
      unitId label communityCode communityName building entrance floor room area role roleLabel verified
      community { code name }
    }
    communities { code name }
  }
}
"""


def test_anonymous_gets_null_me(gql):
    body = gql(ME)
    assert body == {"data": {"me": None}}


def test_owner_sees_verified_unit_and_masked_phone(gql_as, world, verified_owner):
    response = gql_as(verified_owner).raw(ME)
    body = response.json()

    assert "errors" not in body
    me = body["data"]["me"]
    assert me["id"] == str(verified_owner.pk)
    assert me["maskedPhone"] == "139****0001"
    assert me["displayName"] == "王业主"
    assert me["memberships"] == []
    assert me["units"] == [{
        "unitId": str(world.a_unit.pk), "label": "1栋-1单元-502", "communityCode": "yuanhe",
        "communityName": "苑和小区", "building": "1栋", "entrance": "1", "floor": 5, "room": "502",
        "area": "89.25", "role": "PRIMARY", "roleLabel": "业主", "verified": True,
        "community": {"code": "yuanhe", "name": "苑和小区"},
    }]
    assert me["communities"] == [{"code": "yuanhe", "name": "苑和小区"}]
    # neither the account's phone nor the roster phone ever appears in full
    content = response.content.decode()
    assert "13900000001" not in content and "13800000001" not in content


def test_display_name_falls_back_to_masked_phone(gql_as, db):
    user = UserFactory(phone="13912345678", display_name="")
    me = gql_as(user)("{ me { displayName maskedPhone } }")["data"]["me"]
    assert me == {"displayName": "139****5678", "maskedPhone": "139****5678"}


def test_co_owner_link_is_labelled_and_unverified_links_are_listed(gql_as, world):
    user = UserFactory()
    person = PersonFactory(community=world.a, user=user)
    OwnershipFactory(unit=world.a_other, person=person, role=OwnershipRole.CO_OWNER, verified=False)

    me = gql_as(user)(ME)["data"]["me"]

    assert [(u["label"], u["role"], u["roleLabel"], u["verified"]) for u in me["units"]] == [
        ("1栋-1单元-601", "CO_OWNER", "共有人", False)
    ]
    # an unverified link does not make the user a member of the community
    assert me["communities"] == []


def test_ended_ownership_is_not_listed(gql_as, world, verified_owner):
    from datetime import date

    world.a_unit.ownerships.update(ends_on=date(2024, 1, 1))
    me = gql_as(verified_owner)(ME)["data"]["me"]
    assert me["units"] == [] and me["communities"] == []


def test_tenant_sees_verified_residency_only(gql_as, world):
    tenant = UserFactory(phone="13600000001")
    ResidencyFactory(unit=world.b_unit, user=tenant, name="赵租户", verified=True)
    ResidencyFactory(unit=world.a_other, user=tenant, name="赵租户", verified=False)

    me = gql_as(tenant)(ME)["data"]["me"]

    assert [(u["label"], u["role"], u["roleLabel"], u["verified"]) for u in me["units"]] == [
        ("8栋-2单元-101", "TENANT", "租户", True)
    ]
    assert me["communities"] == [{"code": "lanting", "name": "兰亭小区"}]
    assert me["maskedPhone"] == "136****0001"


def test_committee_member_sees_role_and_scope(gql_as, world):
    member = UserFactory()
    MembershipFactory(user=member, role=Role.COMMITTEE_MEMBER, community=world.a, title="主任")

    me = gql_as(member)(ME)["data"]["me"]

    committee = world.a.residents_committee
    assert me["memberships"] == [{
        "role": "COMMITTEE_MEMBER", "roleLabel": "业委会委员", "title": "主任", "team": None, "teamLabel": None,
        "scope": {
            "kind": "COMMUNITY", "name": "苑和小区", "community": {"code": "yuanhe", "name": "苑和小区"},
            "residentsCommitteeName": committee.name, "streetName": committee.street.name,
        },
    }]
    assert me["units"] == []
    assert me["communities"] == [{"code": "yuanhe", "name": "苑和小区"}]


def test_street_and_property_staff_scopes(gql_as, world):
    clerk = UserFactory()
    street = world.b.residents_committee.street
    MembershipFactory(user=clerk, role=Role.STREET_STAFF, community=None, street=street)
    MembershipFactory(user=clerk, role=Role.PROPERTY_STAFF, community=world.a, team=PropertyTeam.SERVICE)

    me = gql_as(clerk)(ME)["data"]["me"]

    street_role, property_role = me["memberships"]
    assert street_role["role"] == "STREET_STAFF" and street_role["roleLabel"] == "街道工作人员"
    assert street_role["scope"] == {
        "kind": "STREET", "name": street.name, "community": None,
        "residentsCommitteeName": None, "streetName": street.name,
    }
    assert (property_role["team"], property_role["teamLabel"]) == ("SERVICE", "客服")
    assert {c["code"] for c in me["communities"]} == {"yuanhe", "lanting"}


def test_inactive_membership_is_not_listed(gql_as, world):
    user = UserFactory()
    MembershipFactory(user=user, community=world.a, active=False)
    me = gql_as(user)(ME)["data"]["me"]
    assert me["memberships"] == [] and me["communities"] == []


UNITS = "{ me { units { role verified label area building communityCode community { code name } } } }"


def _owner_of(n_units: int):
    community = CommunityFactory()
    building = BuildingFactory(community=community)
    user = UserFactory()
    person = PersonFactory(community=community, user=user)
    for i in range(n_units):
        unit = UnitFactory(building=building, room=f"{1000 + i}", area=Decimal("100.50"))
        OwnershipFactory(unit=unit, person=person, verified=True)
    tenant_unit = UnitFactory(building=building, room="9999")
    ResidencyFactory(unit=tenant_unit, user=user)
    return user


@pytest.mark.parametrize("n_units", [1, 20])
def test_me_units_query_count_does_not_grow_with_units(gql_as, django_assert_num_queries, n_units):
    """session + user + ownerships + residencies, however many units."""
    user = _owner_of(n_units)
    caller = gql_as(user)

    with django_assert_num_queries(4):
        body = caller(UNITS)

    assert len(body["data"]["me"]["units"]) == n_units + 1


@pytest.mark.parametrize("n_members", [1, 10])
def test_me_memberships_query_count_does_not_grow(gql_as, django_assert_num_queries, n_members):
    user = UserFactory()
    for _ in range(n_members):
        MembershipFactory(user=user, community=CommunityFactory())
    caller = gql_as(user)

    with django_assert_num_queries(3):
        body = caller("{ me { memberships { roleLabel scope { name streetName community { code } } } } }")

    assert len(body["data"]["me"]["memberships"]) == n_members
