"""On a phone: an owner signs in, writes a case, is stopped by the privacy rule, fixes it and submits; the
status page and the list fit the screen."""

import pytest

from knowledge.cases.models import CaseSubmission
from tests.browser_fixtures import ARTIFACTS

from .factories import GOOD, moderation_workflow, new_community, owner_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_submits_a_case_on_a_phone(live_server, phone_page):
    moderation_workflow()
    community = new_community()
    owner = owner_in(community, phone="13900000077")

    screen = phone_page
    screen.goto(f"{live_server.url}/accounts/login/?next=/cases/submit/")
    screen.get_by_test_id("login-phone").fill(owner.phone)
    screen.get_by_test_id("login-password").fill("demo1234")
    screen.get_by_test_id("login-submit").click()
    screen.wait_for_url("**/cases/submit/")
    assert "隐私第一" in screen.get_by_test_id("privacy-rule").inner_text()
    assert screen.evaluate("document.documentElement.scrollWidth") <= 375

    screen.get_by_label("争议处理").check()
    for name in ("title", "background", "dispute", "outcome", "lessons"):
        screen.locator(f"#case-{name}").fill(GOOD[name])
    screen.locator("#case-handling").fill(GOOD["handling"] + "有事可联系物业经理 139 1234 5678。")
    screen.get_by_test_id("submit-case").click()
    assert screen.get_by_test_id("error-handling").inner_text() == "请删除手机号、身份证号等个人信息：处理经过"
    assert screen.locator("#case-title").input_value() == GOOD["title"]  # what was typed is kept
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "cases_privacy_error_phone.png"), full_page=True)

    screen.locator("#case-handling").fill(GOOD["handling"])
    screen.get_by_test_id("submit-case").click()
    submission = CaseSubmission.objects.get(submitted_by=owner)
    screen.wait_for_url(f"**/cases/{submission.pk}/")
    assert screen.get_by_test_id("case-status").inner_text() == "审核中"
    assert screen.get_by_test_id("withdraw-case").is_visible()
    assert screen.evaluate("document.documentElement.scrollWidth") <= 375
    screen.screenshot(path=str(ARTIFACTS / "cases_status_page_phone.png"), full_page=True)

    screen.goto(f"{live_server.url}/cases/mine/")
    assert screen.get_by_test_id("case-status").all_inner_texts() == ["审核中"]
    assert screen.evaluate("document.documentElement.scrollWidth") <= 375
