"""The demo owner votes on a phone: opens the open motion, signs, votes, sees 已投票; after close, the verdict."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.decisions.models import Ballot, Motion, MotionStatus
from governance.decisions.tasks import motions_tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, phone="13900000001"):
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("login-phone").fill(phone)
    page.get_by_test_id("login-password").fill("demo1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_owner_signs_and_votes_then_sees_the_verdict_after_close(live_server, phone_page):
    call_command("seed_demo", verbosity=0)
    motion = Motion.objects.get(status=MotionStatus.VOTING)
    page = phone_page
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/votes/")
    page.get_by_test_id("motion-link").filter(has_text=motion.title).click()
    assert page.get_by_test_id("motion-title").inner_text() == motion.title
    assert page.get_by_test_id("result").count() == 0  # running results are hidden before close

    form = page.get_by_test_id("vote-form").first
    form.get_by_test_id("choice-agree").check()
    pad = form.get_by_test_id("signature-pad")
    box = pad.bounding_box()
    # A finger stroke across the pad, as the touch screen's pointer events deliver it.
    points = [(box["x"] + 20 + i * 20, box["y"] + 70 + (15 if i % 2 else -15)) for i in range(12)]
    pad.dispatch_event("pointerdown", {"clientX": points[0][0], "clientY": points[0][1], "pointerType": "touch"})
    for x, y in points[1:]:
        pad.dispatch_event("pointermove", {"clientX": x, "clientY": y, "pointerType": "touch"})
    pad.dispatch_event("pointerup", {"pointerType": "touch"})
    form.get_by_test_id("submit-vote").click()
    page.wait_for_load_state()
    assert "已投票" in page.get_by_test_id("voted").first.inner_text()
    ballot = Ballot.objects.get(motion=motion, cast_by__phone="13900000001")
    assert ballot.choice == "agree" and ballot.signature.name.endswith(".png")
    assert ballot.signature.size > 500  # a drawn signature, not an empty canvas

    Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert motions_tick.call_local()["closed"] == [motion.pk]
    page.reload()
    assert page.get_by_test_id("motion-status").inner_text() == "已截止"
    assert page.get_by_test_id("verdict").inner_text() == "未达到参与表决要求"
    assert page.locator("[data-testid=chart] svg rect.bar").count() == 6  # area and headcount, three choices
    assert page.get_by_test_id("participation-grid").is_visible()
