"""On a phone (375 px): a committee member signs in from the Q&A page, asks, sees an expert's answer arrive and
accepts it; an anonymous visitor reads the solved question. Nothing overflows the screen."""

import os
import re

import pytest

from knowledge.qa.models import Question
from knowledge.qa.services import answer_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("QA_SCREENSHOTS")  # a directory to keep screenshots in, when set


def phone(browser):
    return browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                               has_touch=True, locale="zh-CN")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_member_asks_and_accepts_an_answer_on_a_phone(live_server, browser, qa):
    context = phone(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/qa/")
        assert fits(page)
        page.get_by_test_id("ask-login").click()
        page.get_by_test_id("login-phone").fill(qa.member_a.phone)
        page.get_by_test_id("login-password").fill("demo1234")
        page.get_by_test_id("login-submit").click()
        page.wait_for_url(re.compile(r".*/qa/ask/$"))
        assert "将显示为：来自 幸福家园" in page.content()
        page.fill("input[name=title]", "小区维修基金怎么申请使用？")
        page.fill("textarea[name=body]", "3栋电梯用了十五年，想动用维修资金大修，需要走哪些流程？")
        shot(page, "qa-ask")
        page.get_by_role("button", name="发布问题").click()
        page.wait_for_url(re.compile(r".*/qa/\d+/$"))
        question = Question.objects.get()
        assert page.get_by_test_id("question-community").inner_text() == "来自 幸福家园"

        answer = answer_post(question=question, author=qa.expert,
                             body="先出维修方案并公示，再组织3栋业主表决，通过后报维修资金管理中心审核拨付。")
        page.reload()
        page.get_by_test_id("accept").click()
        page.wait_for_url(re.compile(rf".*/qa/{question.pk}/$"))
        assert page.get_by_test_id("accepted").count() == 1 and fits(page)
        shot(page, "qa-question")
        question.refresh_from_db()
        assert question.accepted_answer == answer and question.solved
    finally:
        context.close()

    anonymous = phone(browser)
    page = anonymous.new_page()
    try:
        page.goto(f"{live_server.url}/qa/?state=solved")
        page.get_by_role("link", name=re.compile("小区维修基金怎么申请使用")).click()
        assert "维修资金管理中心" in page.get_by_test_id("answers").inner_text()
        assert page.get_by_test_id("answer-login").is_visible() and fits(page)
        shot(page, "qa-anonymous")
    finally:
        anonymous.close()
