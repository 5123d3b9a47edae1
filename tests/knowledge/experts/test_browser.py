"""On a phone: a committee member books the lawyer, the lawyer confirms with meeting information, and the member
reads it. Every page fits 375 px without sideways scrolling."""

import pytest

from knowledge.experts.models import Booking, BookingStatus
from tests.browser_fixtures import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url, phone):
    page.goto(f"{url}/accounts/login/")
    page.get_by_test_id("login-phone").fill(phone)
    page.get_by_test_id("login-password").fill("demo1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_member_books_and_the_expert_confirms_on_a_phone(world, live_server, phone_page):
    slot = world.slot(in_hours=30)
    world.slot(in_hours=54)
    page = phone_page
    sign_in(page, live_server.url, "13811110001")

    page.goto(f"{live_server.url}/experts/")
    assert page.get_by_test_id("expert-card").count() == 2
    fits(page)
    page.get_by_text("周律师").click()
    page.wait_for_url(f"**/experts/{world.expert.pk}/")
    assert page.get_by_test_id("slot-state").all_inner_texts() == ["可预约", "可预约"]
    fits(page)
    page.locator(f'input[name="slot"][value="{slot.pk}"]').check()
    page.get_by_label("咨询主题").fill("地下车位被开发商出租")
    page.get_by_label("问题说明").fill("开发商把人防车位长期出租给外来车辆，业主能否要求收回？")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "experts_profile_phone.png"), full_page=True)
    page.get_by_test_id("book-submit").click()
    page.wait_for_url("**/experts/bookings/*/")
    assert page.get_by_test_id("booking-status").inner_text() == "待确认"
    booking = Booking.objects.get()
    fits(page)

    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server.url, "13833330001")
    page.goto(f"{live_server.url}/experts/bookings/")
    fits(page)
    page.get_by_text("确认预约").click()
    page.get_by_placeholder("会面信息，如腾讯会议号、电话或见面地点").fill("腾讯会议 555-123-888")
    page.get_by_test_id("confirm").click()
    page.wait_for_url("**/experts/bookings/")
    assert page.get_by_test_id("booking-status").inner_text() == "已确认"
    page.screenshot(path=str(ARTIFACTS / "experts_bookings_phone.png"), full_page=True)
    booking.refresh_from_db()
    assert (booking.status, booking.meeting_info) == (BookingStatus.CONFIRMED, "腾讯会议 555-123-888")

    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server.url, "13811110001")
    page.goto(f"{live_server.url}/office/inbox/")
    assert "专家已确认预约：地下车位被开发商出租" in page.get_by_test_id("inbox-item").first.inner_text()
    page.goto(f"{live_server.url}/experts/bookings/{booking.pk}/")
    assert page.get_by_test_id("meeting-info").inner_text() == "腾讯会议 555-123-888"
