"""The committee chair opens the announced lift vote of building 3 on a phone: the participation grid starts on
building 3, entrance by entrance, and its building picker is a styled portal control."""

import pytest
from django.core.management import call_command

from governance.decisions.models import Motion
from tests.browser.test_vote import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chair_sees_the_lift_vote_grid_on_building_3_with_a_styled_picker(live_server, phone_page):
    call_command("seed_demo", verbosity=0)
    lift = Motion.objects.get(title="关于使用维修资金更换3栋电梯的议案")
    page = phone_page
    sign_in(page, live_server.url, phone="13900000201")

    page.goto(f"{live_server.url}/votes/{lift.pk}/")
    assert "参与情况 · 3栋" in page.locator("h2", has_text="参与情况").inner_text()
    grid = page.get_by_test_id("participation-grid")
    assert grid.get_by_test_id("grid-entrance-label").all_inner_texts() == ["1单元", "2单元"]
    assert grid.locator(".cell").count() == 72  # 2 entrances × 18 floors × 2 rooms
    picker = page.get_by_test_id("grid-building")
    assert picker.locator("option").all_inner_texts() == ["3栋"]
    style = picker.evaluate("el => { const s = getComputedStyle(el);"
                            " return [s.fontSize, s.borderRadius, s.borderTopColor, s.paddingLeft]; }")
    assert style == ["16px", "6px", "rgb(203, 210, 217)", "7.2px"]  # the portal's .filters controls
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
