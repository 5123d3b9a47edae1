"""The home page and community pages: real figures from the registry, members-only detail."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from home.services import ensure_community_page, ensure_site_root
from tests.factories import BuildingFactory, CommunityFactory, OwnershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communities():
    a = CommunityFactory(code="alpha", name="阿尔法小区")
    b = CommunityFactory(code="beta", name="贝塔小区")
    building_a = BuildingFactory(community=a, name="1栋")
    building_b = BuildingFactory(community=b, name="9幢")
    units_a = [UnitFactory(building=building_a, room=f"10{i}", area=Decimal("90.00")) for i in range(1, 4)]
    UnitFactory(building=building_b, room="B-SECRET-ROOM")
    owner = UserFactory()
    OwnershipFactory(unit=units_a[0], person__user=owner, verified=True)
    OwnershipFactory(unit=units_a[1], verified=False)
    ensure_site_root()
    return {"a": a, "b": b, "owner": owner, "building_a": building_a, "building_b": building_b,
            "page_a": ensure_community_page(a), "page_b": ensure_community_page(b)}


def test_home_page_lists_communities_with_live_figures(client, two_communities):
    html = client.get("/").content.decode()
    assert "阿尔法小区" in html and "贝塔小区" in html
    assert "1 栋楼 · 3 户" in html
    assert "已认证 33.3%" in html  # 1 of 3, rounded half up to one decimal from the exact fraction


def test_community_page_shows_name_buildings_and_verified_share(client, two_communities):
    response = client.get("/alpha/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="community-name">阿尔法小区<' in html
    assert 'data-testid="verified-share">33.3%<' in html
    assert "<td>1栋</td><td>3</td><td>1</td>" in html.replace("\n", "")


def test_a_member_opens_the_building_grid_of_their_community(client, two_communities):
    client.force_login(two_communities["owner"])
    page_a = two_communities["page_a"]
    url = page_a.url + page_a.reverse_subpage("building_grid", args=[two_communities["building_a"].pk])
    html = client.get(url).content.decode()
    assert html.count('class="cell verified" title=') == 1
    assert html.count('class="cell unverified" title=') == 1
    assert html.count('class="cell empty" title=') == 1


def test_the_building_grid_of_another_community_is_unreachable(client, two_communities):
    client.force_login(two_communities["owner"])
    page_b = two_communities["page_b"]
    url = page_b.url + page_b.reverse_subpage("building_grid", args=[two_communities["building_b"].pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "B-SECRET-ROOM" not in response.content.decode()
    # Nor through its own community page with the other community's building id.
    page_a = two_communities["page_a"]
    url = page_a.url + page_a.reverse_subpage("building_grid", args=[two_communities["building_b"].pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_get_no_building_grid_but_are_asked_to_sign_in(client, two_communities):
    page_a = two_communities["page_a"]
    url = page_a.url + page_a.reverse_subpage("building_grid", args=[two_communities["building_a"].pk])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next={quote(url)}")
    assert "101" not in response.content.decode()


def test_ensure_pages_is_idempotent(two_communities):
    assert ensure_community_page(two_communities["a"]).pk == two_communities["page_a"].pk
    assert ensure_site_root().pk == ensure_site_root().pk
