"""The demo owner signs in on a phone with phone + password and sees the community page."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_owner_signs_in_on_a_phone_and_sees_the_community_page(live_server, phone_page):
    call_command("seed_demo", verbosity=0)
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_test_id("login-phone").fill("13900000001")
    page.get_by_test_id("login-password").fill("demo1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert "王建国" in page.get_by_test_id("signed-in-as").inner_text()

    page.goto(f"{live_server.url}/demo/")
    assert page.get_by_test_id("community-name").inner_text() == "幸福家园小区"
    share = page.get_by_test_id("verified-share").inner_text()
    assert re.fullmatch(r"\d{1,3}\.\d%", share)
    assert page.locator("table.table tbody tr").count() == 7  # six residential buildings and the shops
    # The phone-sized layout does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{live_server.url}/verify/")
    assert page.get_by_test_id("verified").count() == 2  # the demo owner holds two flats, both verified


def test_a_wrong_password_shows_a_chinese_error(live_server, phone_page):
    call_command("seed_demo", verbosity=0)
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_test_id("login-phone").fill("13900000001")
    page.get_by_test_id("login-password").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    assert page.locator("text=/不正确|错误/").first.is_visible()
