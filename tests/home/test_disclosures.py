"""公示 pages: blocks read the registry and the tally when the page is rendered, so the numbers
follow the data without republishing; a vote result shows only a closed motion of the same community."""

from datetime import timedelta
from decimal import Decimal

import pytest

from governance.decisions import selectors as decision_selectors
from governance.decisions import services as decision_services
from home.forms import DisclosurePageForm
from home.models import DisclosurePage
from home.services import ensure_community_page
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import OwnershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _publish(parent, **fields) -> DisclosurePage:
    page = DisclosurePage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return DisclosurePage.objects.get(pk=page.pk)


def _testid(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    start = html.index(">", start) + 1
    return html[start:html.index("<", start)]


def _row(html: str, testid: str) -> list[str]:
    start = html.index(f'data-testid="{testid}"')
    row = html[start:html.index("</tr>", start)]
    return [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]


def test_roster_statistics_follow_the_registry_without_republishing(world, client):
    a = world.a
    page = _publish(a.page, title="业主名册统计公示", slug="roster",
                    body=[("roster_statistics", {"heading": "名册统计", "show_buildings": True})])
    revision = page.live_revision_id
    html = client.get(page.url).content.decode()
    assert (_testid(html, "stat-buildings"), _testid(html, "stat-units"), _testid(html, "stat-verified-share"),
            _testid(html, "stat-total-area")) == ("1", "4", "25.0%", "400.00")

    # the registry changes: a new unit of 55.50 ㎡ and a second verified owner
    UnitFactory(building=a.building, room="105", area=Decimal("55.50"))
    OwnershipFactory(unit=a.units[1], verified=True)
    html = client.get(page.url).content.decode()
    assert (_testid(html, "stat-buildings"), _testid(html, "stat-units"), _testid(html, "stat-verified-share"),
            _testid(html, "stat-total-area")) == ("1", "5", "40.0%", "455.50")
    assert DisclosurePage.objects.get(pk=page.pk).live_revision_id == revision  # nothing was republished


@pytest.fixture
def voted():
    """Six owners of 100 ㎡ each: four agree, one opposes, one does not vote; the motion is closed."""
    community, chair, owners = community_with_owners(n_units=6)
    motion = voting_motion(community, chair, title="更换小区大门门禁")
    for owner, choice in zip(owners[:5], ["agree", "agree", "agree", "agree", "oppose"], strict=True):
        right = decision_selectors.rights_for_user(motion, owner).get()
        decision_services.ballot_cast(right=right, choice=choice, actor=owner)
    return community, chair, owners, motion


def test_a_vote_result_block_shows_the_verdict_and_per_choice_area_and_heads(world, client, voted):
    community, chair, _owners, motion = voted
    page = _publish(ensure_community_page(community), title="门禁表决结果公示", slug="gate",
                    body=[("vote_result", {"motion": motion, "note": "公示期7天"}), ("text", "<p>特此公示。</p>")])
    html = client.get(page.url).content.decode()
    assert 'data-testid="vote-pending"' in html and 'data-testid="vote-verdict"' not in html  # still voting

    decision_services.motion_close(motion=motion, actor=chair, now=motion.closes_at + timedelta(seconds=1))
    html = client.get(page.url).content.decode()
    assert "表决结果：更换小区大门门禁" in html
    assert _testid(html, "vote-verdict") == "通过"
    assert _row(html, "vote-agree") == ["同意", "400.00", "4"]
    assert _row(html, "vote-oppose") == ["反对", "100.00", "1"]
    assert _row(html, "vote-abstain") == ["弃权", "0.00", "0"]
    assert _row(html, "vote-void") == ["无效票", "0.00", "0"]
    assert _row(html, "vote-participating") == ["参与表决", "500.00", "5"]
    assert _row(html, "vote-total") == ["应参与表决", "600.00", "6"]
    assert "公示期7天" in html and "特此公示。" in html


def test_a_motion_of_another_community_is_never_shown(world, client, voted):
    _community, chair, _owners, motion = voted
    decision_services.motion_close(motion=motion, actor=chair, now=motion.closes_at + timedelta(seconds=1))
    page = _publish(world.a.page, title="错放的公示", slug="wrong", body=[("vote_result", {"motion": motion})])
    html = client.get(page.url).content.decode()
    assert 'data-testid="vote-result"' not in html and "更换小区大门门禁" not in html


def test_the_editor_form_refuses_a_motion_of_another_community(world, voted):
    _community, _chair, _owners, motion = voted
    form_class = DisclosurePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, DisclosurePageForm)
    data = {
        "title": "错放的公示", "slug": "wrong", "body-count": "1", "body-0-type": "vote_result", "body-0-deleted": "",
        "body-0-order": "0", "body-0-id": "", "body-0-value-motion": str(motion.pk), "body-0-value-note": "",
    }
    form = form_class(data, instance=DisclosurePage(), parent_page=world.a.page, for_user=world.superuser)
    assert form.is_valid() is False
    assert form.errors["body"] == ["“更换小区大门门禁”不是本小区的议事事项。"]

    community, _chair, _owners, motion = voted
    form = form_class(data, instance=DisclosurePage(), parent_page=ensure_community_page(community),
                      for_user=world.superuser)
    assert "body" not in form.errors
