"""Registry reads for the verification flow: public pickers, and unit reads scoped by membership."""

import pytest

from portal.accounts.models import Role
from tests.factories import MembershipFactory, ResidencyFactory, UserFactory

pytestmark = pytest.mark.django_db

UNIT = "query ($id: ID!) { unit(id: $id) { id label area community { code } } }"


def test_communities_are_public_names_only(gql, world):
    body = gql("{ communities { code name } }")
    assert body == {"data": {"communities": [
        {"code": "lanting", "name": "兰亭小区"}, {"code": "yuanhe", "name": "苑和小区"},
    ]}}


def test_buildings_and_rooms_for_picking(gql_as, world):
    caller = gql_as(UserFactory())

    buildings = caller('{ buildings(communityCode: "yuanhe") { name } }')["data"]["buildings"]
    units = caller('{ units(communityCode: "yuanhe", building: "1栋") { label entrance floor room } }')

    assert buildings == [{"name": "1栋"}, {"name": "2栋"}]
    assert units["data"]["units"] == [
        {"label": "1栋-1单元-502", "entrance": "1", "floor": 5, "room": "502"},
        {"label": "1栋-1单元-601", "entrance": "1", "floor": 6, "room": "601"},
    ]


def test_room_list_carries_no_owner_fields():
    from portal.api import schema

    fields = set(schema.graphql_schema.get_type("UnitOption").fields)
    assert fields == {"id", "label", "entrance", "floor", "room"}


def test_unknown_community_has_no_buildings(gql_as, world):
    body = gql_as(UserFactory())('{ buildings(communityCode: "nowhere") { name } }')
    assert body == {"data": {"buildings": []}}


def test_pickers_need_sign_in(gql, world):
    body = gql('{ buildings(communityCode: "yuanhe") { name } }')
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "NOT_AUTHENTICATED"}
    assert body["errors"][0]["message"] == "请先登录。"


def test_owner_reads_a_unit_of_own_community(gql_as, world, verified_owner):
    body = gql_as(verified_owner)(UNIT, {"id": str(world.a_other.pk)})
    assert body == {"data": {"unit": {
        "id": str(world.a_other.pk), "label": "1栋-1单元-601", "area": "89.25", "community": {"code": "yuanhe"},
    }}}


def test_owner_of_a_cannot_read_unit_of_b(gql_as, world, verified_owner):
    """Given an owner in 苑和小区, when they ask for a unit of 兰亭小区, then null with NOT_FOUND."""
    body = gql_as(verified_owner)(UNIT, {"id": str(world.b_unit.pk)})

    assert body["data"] == {"unit": None}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["path"] == ["unit"]
    assert error["message"] == "没有找到该房屋，或您无权查看。"


def test_missing_and_malformed_ids_look_the_same(gql_as, world, verified_owner):
    caller = gql_as(verified_owner)
    for unit_id in ("999999", "abc"):
        body = caller(UNIT, {"id": unit_id})
        assert body["data"] == {"unit": None}
        assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND"}


def test_tenant_and_staff_read_units_of_their_community(gql_as, world):
    tenant = UserFactory()
    ResidencyFactory(unit=world.b_unit, user=tenant)
    secretary = UserFactory()
    MembershipFactory(user=secretary, role=Role.COMMITTEE_SECRETARY, community=world.a)

    assert gql_as(tenant)(UNIT, {"id": str(world.b_unit.pk)})["data"]["unit"]["label"] == "8栋-2单元-101"
    assert gql_as(secretary)(UNIT, {"id": str(world.a_unit.pk)})["data"]["unit"]["label"] == "1栋-1单元-502"
    assert gql_as(secretary)(UNIT, {"id": str(world.b_unit.pk)})["data"]["unit"] is None


def test_anonymous_unit_read_is_not_authenticated(gql, world):
    body = gql(UNIT, {"id": str(world.a_unit.pk)})
    assert body["data"] == {"unit": None}
    assert body["errors"][0]["extensions"] == {"code": "NOT_AUTHENTICATED"}
