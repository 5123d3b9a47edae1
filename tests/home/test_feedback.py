"""意见反馈: members send feedback from the community page; staff reply in the admin; the sender
gets an in-site message with the reply. Another community's staff never see it."""

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.office.models import ChannelName, Delivery, DeliveryStatus
from governance.office.selectors import inbox_for
from home import services
from home.models import Feedback, FeedbackStatus
from tests.home.conftest import sub_url

pytestmark = pytest.mark.django_db


def test_a_member_submits_feedback_from_the_community_page(world, as_user):
    client = as_user(world.a.owner)
    url = sub_url(world.a.page, "feedback")
    assert 'data-testid="feedback-form"' in client.get(url).content.decode()
    response = client.post(url, {"category": "suggestion", "content": "  建议在3栋门口加装路灯。 "}, follow=True)
    html = response.content.decode()
    assert "感谢您的反馈" in html
    feedback = Feedback.objects.get()
    assert (feedback.community, feedback.user, feedback.category, feedback.content, feedback.status) == (
        world.a.community, world.a.owner, "suggestion", "建议在3栋门口加装路灯。", FeedbackStatus.PENDING)
    assert 'data-testid="my-feedback"' in html and "建议在3栋门口加装路灯。" in html
    event = AuditEvent.objects.get(action="home.feedback.submit")
    assert event.community == world.a.community and event.actor == world.a.owner


def test_anonymous_visitors_are_sent_to_sign_in(world, as_user):
    url = sub_url(world.a.page, "feedback")
    response = as_user(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_non_member_cannot_submit(world, as_user):
    client = as_user(world.outsider)
    url = sub_url(world.a.page, "feedback")
    html = client.get(url).content.decode()
    assert 'data-testid="feedback-form"' not in html and "只有本小区的认证业主" in html
    assert client.post(url, {"category": "other", "content": "x"}).status_code == 404
    with pytest.raises(DomainError) as caught:
        services.feedback_submit(community=world.a.community, user=world.b.owner, category="other", content="x")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert Feedback.objects.count() == 0


def test_empty_or_unknown_input_is_refused(world):
    for category, content, field in (("other", "   ", "content"), ("gossip", "x", "category"),
                                     ("other", "长" * 2001, "content")):
        with pytest.raises(DomainError) as caught:
            services.feedback_submit(community=world.a.community, user=world.a.owner, category=category,
                                     content=content)
        assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, field)
    assert Feedback.objects.count() == 0


@pytest.fixture
def feedback(world):
    return services.feedback_submit(community=world.a.community, user=world.a.owner, category="community",
                                    content="地下车库漏水很久了")


def test_staff_reply_in_the_admin_and_the_sender_gets_an_in_site_message(
        world, feedback, as_user, django_capture_on_commit_callbacks):
    client = as_user(world.a.property_staff)
    edit_url = reverse("home_feedback:edit", args=[feedback.pk])
    page = client.get(edit_url).content.decode()
    assert 'data-testid="feedback-original"' in page and "地下车库漏水很久了" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, {"reply": "已安排物业明天上午维修。"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reply, feedback.replied_by) == (
        FeedbackStatus.REPLIED, "已安排物业明天上午维修。", world.a.property_staff)
    assert feedback.replied_at is not None

    delivery = Delivery.objects.get(recipient=world.a.owner)
    assert delivery.channel == ChannelName.INSITE and delivery.status == DeliveryStatus.SENT
    message = delivery.message
    assert message.title == "您的意见反馈已有回复"
    assert message.body == "您反馈的“地下车库漏水很久了”已回复：已安排物业明天上午维修。"
    assert message.link == sub_url(world.a.page, "feedback") + f"#feedback-{feedback.pk}"
    assert message.community == world.a.community and message.kind == "system"
    assert list(inbox_for(world.a.owner)) == [delivery]
    event = AuditEvent.objects.get(action="home.feedback.reply")
    assert event.actor == world.a.property_staff and event.summary == {"again": False}

    mine = as_user(world.a.owner).get(sub_url(world.a.page, "feedback")).content.decode()
    assert 'data-testid="feedback-reply">回复：已安排物业明天上午维修。<' in mine


def test_an_empty_reply_is_refused_and_nobody_is_told(world, feedback, as_user):
    client = as_user(world.a.committee)
    response = client.post(reverse("home_feedback:edit", args=[feedback.pk]), {"reply": "   "})
    assert response.status_code == 200
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.PENDING and feedback.reply == ""
    assert not Delivery.objects.exists()


def test_another_communitys_staff_never_reach_the_feedback(world, feedback, as_user):
    client = as_user(world.b.committee)
    listing = client.get(reverse("home_feedback:index")).content.decode()
    assert "地下车库漏水很久了" not in listing
    assert client.get(reverse("home_feedback:edit", args=[feedback.pk])).status_code == 404
    assert client.post(reverse("home_feedback:edit", args=[feedback.pk]), {"reply": "x"}).status_code == 404
    assert client.get(reverse("home_feedback:inspect", args=[feedback.pk])).status_code == 404
    with pytest.raises(DomainError) as caught:
        services.feedback_reply(feedback=feedback, actor=world.b.committee, reply="x")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.PENDING and not Delivery.objects.exists()


def test_the_admin_list_shows_the_communitys_feedback_to_its_staff(world, feedback, as_user):
    listing = as_user(world.a.committee).get(reverse("home_feedback:index")).content.decode()
    assert "小区事务 · 地下车库漏水很久了" in listing
    assert as_user(world.a.owner).get(reverse("home_feedback:index")).status_code == 302  # no admin access


def test_feedback_with_a_phone_or_id_number_is_refused_on_the_page_and_nothing_is_written(world, as_user):
    client = as_user(world.a.owner)
    response = client.post(sub_url(world.a.page, "feedback"),
                           {"category": "other", "content": "楼道灯坏了，请联系我 138-0013-8000"})
    assert response.status_code == 200
    assert "请删除手机号、身份证号等个人信息：反馈内容" in response.content.decode()
    with pytest.raises(DomainError) as caught:
        services.feedback_submit(community=world.a.community, user=world.a.owner, category="other",
                                 content="我的身份证号是 370102199001011234")
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        ErrorCode.INVALID, "content", "请删除手机号、身份证号等个人信息：反馈内容")
    assert not Feedback.objects.exists() and not AuditEvent.objects.filter(action="home.feedback.submit").exists()
