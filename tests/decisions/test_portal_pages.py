"""The voting pages: who may see and do what, and the Chinese messages they get."""

import base64
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from governance.decisions import selectors, services
from governance.decisions.models import Ballot, ScopeKind
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import BuildingFactory, OwnershipFactory, ResidencyFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def signature_data_url():
    buffer = io.BytesIO()
    Image.new("RGB", (50, 20), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def signature_file():
    return io.BytesIO(base64.b64decode(signature_data_url().split(",")[1]))


@pytest.fixture
def vote():
    community, chair, owners = community_with_owners(4)
    motion = voting_motion(community, chair, signature_method="handwritten")
    return community, chair, owners, motion


def test_an_owner_votes_with_a_signature_and_sees_voted(client, vote):
    community, chair, owners, motion = vote
    client.force_login(owners[0])
    right = selectors.rights_for_user(motion, owners[0]).get()
    response = client.post(f"/votes/{motion.pk}/cast/", {"right": right.pk, "choice": "oppose",
                                                          "signature": signature_data_url()}, follow=True)
    html = response.content.decode()
    assert "投票成功" in html and 'data-testid="voted"' in html
    assert Ballot.objects.get(right=right).choice == "oppose"


def test_missing_signature_is_a_chinese_message_and_nothing_is_written(client, vote):
    community, chair, owners, motion = vote
    client.force_login(owners[0])
    right = selectors.rights_for_user(motion, owners[0]).get()
    html = client.post(f"/votes/{motion.pk}/cast/", {"right": right.pk, "choice": "agree"}, follow=True)
    assert "本次表决需要手写电子签名" in html.content.decode()
    assert not Ballot.objects.exists()


def test_casting_for_another_owners_right_is_refused(client, vote):
    community, chair, owners, motion = vote
    client.force_login(owners[0])
    other = selectors.rights_for_user(motion, owners[1]).get()
    html = client.post(f"/votes/{motion.pk}/cast/", {"right": other.pk, "choice": "agree",
                                                      "signature": signature_data_url()}, follow=True)
    assert "不在本次表决的表决名册中" in html.content.decode()
    assert not Ballot.objects.exists()


def test_a_tenant_sees_the_motion_but_no_ballot_and_cannot_cast(client, vote):
    community, chair, owners, motion = vote
    tenant = ResidencyFactory(unit=community.units.first()).user
    client.force_login(tenant)
    html = client.get(f"/votes/{motion.pk}/").content.decode()
    assert 'data-testid="vote-form"' not in html
    right = selectors.rights_for_user(motion, owners[0]).get()
    client.post(f"/votes/{motion.pk}/cast/", {"right": right.pk, "choice": "agree",
                                              "signature": signature_data_url()})
    assert not Ballot.objects.exists()


def test_another_communitys_motion_is_unreachable(client, vote):
    community, chair, owners, motion = vote
    _, _, strangers = community_with_owners(1)
    client.force_login(strangers[0])
    assert client.get(f"/votes/{motion.pk}/").status_code == 404
    assert client.post(f"/votes/{motion.pk}/cast/", {"choice": "agree"}).status_code == 404
    assert motion.title not in client.get("/votes/").content.decode()


def test_running_results_are_hidden_from_owners_until_close(client, vote):
    community, chair, owners, motion = vote
    services.ballot_cast(right=selectors.rights_for_user(motion, owners[0]).get(), choice="agree",
                         actor=owners[0], signature=signature_file())
    client.force_login(owners[1])
    html = client.get(f"/votes/{motion.pk}/").content.decode()
    assert 'data-testid="result"' not in html and "表决截止前不公开实时结果" in html
    assert client.get(f"/votes/{motion.pk}/notice.pdf").status_code == 404
    assert client.get(f"/votes/{motion.pk}/details.xlsx").status_code == 404
    motion.closes_at = timezone.now() - timedelta(seconds=1)
    motion.save(update_fields=["closes_at"])
    services.motion_close(motion=motion, actor=chair)
    html = client.get(f"/votes/{motion.pk}/").content.decode()
    assert 'data-testid="verdict">未达到参与表决要求<' in html
    assert client.get(f"/votes/{motion.pk}/notice.pdf")["Content-Type"] == "application/pdf"
    assert client.get(f"/votes/{motion.pk}/details.xlsx").status_code == 404  # staff only
    client.force_login(chair)
    assert client.get(f"/votes/{motion.pk}/details.xlsx").status_code == 200


def test_staff_see_who_voted_but_never_how_before_close(client, vote):
    community, chair, owners, motion = vote
    services.ballot_cast(right=selectors.rights_for_user(motion, owners[0]).get(), choice="oppose",
                         actor=owners[0], signature=signature_file())
    client.force_login(chair)
    html = client.get(f"/votes/{motion.pk}/").content.decode()
    assert 'data-testid="participation-grid"' in html
    assert html.count('class="cell verified"') == 1
    assert "反对" not in html.split('data-testid="participation-grid"')[1]
    assert 'data-testid="result"' not in html


def test_the_participation_grid_of_a_vote_on_some_buildings_opens_on_its_first_building_with_entrances(client):
    # Given a community of three buildings and a vote of buildings 2 and 3 only, each with two entrances
    community, chair, _owners = community_with_owners(1)
    second, third = BuildingFactory(community=community, name="2栋"), BuildingFactory(community=community, name="3栋")
    for building in (second, third):
        for entrance in ("1", "2"):
            for room in ("801", "802"):
                unit = UnitFactory(building=building, entrance=entrance, floor=8, room=room)
                OwnershipFactory(unit=unit, person__user=UserFactory(), verified=True)
    motion = voting_motion(community, chair, scope_kind=ScopeKind.BUILDINGS, scope_buildings=[second, third])
    client.force_login(chair)

    # When the committee opens the vote, or asks for a building outside its scope
    html = client.get(f"/votes/{motion.pk}/").content.decode()
    first = community.buildings.get(name="1栋")
    outside = client.get(f"/votes/{motion.pk}/?building={first.pk}")

    # Then the grid shows building 2, entrance by entrance, and the picker offers only the buildings in scope
    grid = html.split('data-testid="participation-grid"')[1]
    assert "参与情况 · 2栋" in html
    assert re.findall(r'data-testid="grid-entrance-label">([^<]+)<', grid) == ["1单元", "2单元"]
    assert grid.count('class="cell empty"') == 4
    picker = html.split('data-testid="grid-building"')[1].split("</select>")[0]
    assert re.findall(r">([^<]+)</option>", picker) == ["2栋", "3栋"]
    assert "参与情况 · 2栋" in outside.content.decode()
