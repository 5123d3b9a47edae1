"""On a phone: the demo owner opens the community home, reads a notice (its receipt turns read),
searches 维修基金 and opens the article."""

import re

import pytest
from django.core.management import call_command

from governance.office.models import Delivery, NoticePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_reads_a_notice_and_finds_the_maintenance_fund_article(live_server, phone_page):
    call_command("seed_demo", verbosity=0)
    notice = NoticePage.objects.get(slug="water-2026-12")
    receipts = Delivery.objects.filter(message__source_id=str(notice.pk), recipient__username="13900000001",
                                       channel="insite")
    assert receipts.count() == 1 and receipts.get().read_at is None

    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_test_id("login-phone").fill("13900000001")
    page.get_by_test_id("login-password").fill("demo1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r".*/$"))

    page.goto(f"{live_server.url}/demo/")
    assert page.get_by_test_id("community-name").inner_text() == "幸福家园小区"
    page.get_by_role("link", name=notice.title).first.click()
    assert page.get_by_test_id("notice-title").inner_text() == notice.title
    assert receipts.get().read_at is not None  # opening the notice marked the receipt read

    page.goto(f"{live_server.url}/search/?q=维修基金")
    page.get_by_role("link", name=re.compile("小区维修基金使用办法")).first.click()
    page.wait_for_load_state()
    assert "小区维修基金使用办法" in page.locator("h1").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
