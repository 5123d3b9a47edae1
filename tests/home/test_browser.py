"""On a phone: the community home fits the screen, and a visitor reaches the public archive and searches it."""

import pytest

from home import services
from home.models import BulletinItem, BulletinType, CarouselItem, CommunityPage
from tests.browser_fixtures import ARTIFACTS
from tests.home.conftest import pdf_upload, png_upload, wagtail_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_browses_the_community_home_and_its_public_archive_on_a_phone(world, live_server, phone_page):
    a = world.a
    page = CommunityPage.objects.get(pk=a.page.pk)
    page.carousel_items = [CarouselItem(image=wagtail_image("入口", 1600, 1200), caption="小区入口")]
    page.save_revision().publish()
    kind = BulletinType.objects.create(community=a.community, name="社区活动")
    BulletinItem.objects.create(community=a.community, type=kind, title="端午包粽子")
    services.archive_upload(community=a.community, actor=a.committee, title="停车场改造公告", category="notice",
                            year=2024, upload=png_upload(), is_public=True)
    services.archive_upload(community=a.community, actor=a.committee, title="维修基金使用办法", category="finance",
                            year=2024, upload=pdf_upload("维修基金使用办法"), is_public=True)
    services.archive_upload(community=a.community, actor=a.committee, title="内部会议纪要", category="minutes",
                            year=2024, upload=pdf_upload("内部"))

    screen = phone_page
    screen.goto(f"{live_server.url}/sunny/")
    assert screen.get_by_test_id("community-name").inner_text() == "阳光小区"
    carousel = screen.get_by_test_id("carousel").locator("img")
    assert carousel.count() == 1
    box = carousel.bounding_box()
    assert round(box["width"] * 540 / 750) == round(box["height"])  # shown at 750:540 whatever the screen
    assert "端午包粽子" in screen.get_by_test_id("bulletin").inner_text()
    assert screen.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "home_community_page_phone.png"), full_page=True)

    screen.get_by_test_id("archive-link").click()
    screen.wait_for_url("**/sunny/archive/")
    assert screen.get_by_test_id("archive-item").count() == 2  # the private minutes are not listed
    screen.get_by_placeholder("搜索标题或正文").fill("维修基金")
    screen.get_by_role("button", name="筛选").click()
    screen.wait_for_url("**/sunny/archive/?*")
    assert screen.get_by_test_id("archive-item").all_inner_texts()[0].startswith("维修基金使用办法")
    assert screen.get_by_test_id("archive-item").count() == 1
    assert screen.evaluate("document.documentElement.scrollWidth") <= 375
