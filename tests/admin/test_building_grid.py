"""楼栋可视化: floors × rooms coloured by status, only for the user's communities."""

import re

import pytest
from django.urls import reverse

from tests.factories import OwnershipFactory, UnitFactory

pytestmark = pytest.mark.django_db

CELL = re.compile(r'<td class="grid-cell status-(\w+)" data-unit="(\d+)"')


def test_each_unit_is_coloured_by_its_status(world, as_user):
    building = world.a.building
    verified = UnitFactory(building=building, floor=2, room="201")
    OwnershipFactory(unit=verified, verified=True)
    unverified = world.a.unit  # its owner is on the roster but not verified
    developer = UnitFactory(building=building, floor=2, room="202", developer_held=True)
    empty = UnitFactory(building=building, floor=3, room="301")

    response = as_user(world.committee_a).get(
        reverse("registry_grid:index") + f"?community={world.a.community.pk}&building={building.pk}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    cells = {int(unit): status for status, unit in CELL.findall(html)}
    assert cells[verified.pk] == "verified"
    assert cells[unverified.pk] == "unverified"
    assert cells[developer.pk] == "developer"
    assert cells[empty.pk] == "empty"
    for label in ("已认证", "未认证", "开发商持有", "无业主登记"):
        assert label in html
    # floors top first
    assert html.index("3 层") < html.index("2 层") < html.index("1 层")


def test_the_grid_defaults_to_the_first_community_and_never_offers_b(world, as_user):
    response = as_user(world.committee_a).get(reverse("registry_grid:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "阳光小区" in html and "碧水小区" not in html and "九号楼" not in html


def test_b_community_or_building_is_404(world, as_user):
    client = as_user(world.committee_a)
    assert client.get(reverse("registry_grid:index") + f"?community={world.b.community.pk}").status_code == 404
    assert client.get(
        reverse("registry_grid:index") + f"?community={world.a.community.pk}&building={world.b.building.pk}"
    ).status_code == 404


def test_users_without_a_registry_role_are_turned_away(world, as_user):
    from portal.accounts.models import Membership, Role
    from tests.factories import UserFactory

    editor = Membership.objects.create(user=UserFactory(), role=Role.EDITOR).user
    response = as_user(editor).get(reverse("registry_grid:index"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
