"""The portal inbox /office/inbox/: the user's own in-site messages, read on open, an unread count."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from governance.office import services
from governance.office.models import Delivery
from tests.decisions.factories import community_with_owners

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(django_capture_on_commit_callbacks):
    community, chair, owners = community_with_owners(2)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.message_send(community=community, title="停水通知", body="6月1日停水。", summary="6月1日停水",
                                      recipients=owners, channels=["insite"], actor=chair, link="/notices/7/")
        second = services.message_send(community=community, title="电梯检修", body="2号梯检修一天。",
                                       recipients=owners[:1], channels=["insite"], actor=chair)
    services.message_send(community=community, title="尚未发送", body="", recipients=owners, channels=["insite"],
                          actor=chair)  # not committed: still queued
    return dict(reader=owners[0], other=owners[1], first=first, second=second)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/office/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_inbox_lists_the_users_delivered_messages_with_the_unread_count(client, inbox):
    client.force_login(inbox["reader"])
    response = client.get("/office/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert [d.message.title for d in response.context["deliveries"]] == ["电梯检修", "停水通知"]
    assert response.context["unread"] == 2
    assert '<span class="badge" data-testid="unread-count">2</span>' in html
    assert "您有 2 条未读消息" in html
    assert "尚未发送" not in html


def test_opening_a_message_marks_it_read(client, inbox):
    client.force_login(inbox["reader"])
    response = client.get(f"/office/inbox/{inbox['first'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 data-testid="message-title">停水通知</h1>' in html
    assert 'href="/notices/7/"' in html
    assert Delivery.objects.get(message=inbox["first"], recipient=inbox["reader"]).read_at is not None
    assert Delivery.objects.get(message=inbox["first"], recipient=inbox["other"]).read_at is None
    assert client.get("/office/inbox/").context["unread"] == 1


def test_another_users_message_is_unreachable(client, inbox):
    client.force_login(inbox["other"])
    assert client.get(f"/office/inbox/{inbox['second'].pk}/").status_code == 404
    assert Delivery.objects.get(message=inbox["second"]).read_at is None


def test_mark_all_read(client, inbox):
    client.force_login(inbox["reader"])
    assert client.get("/office/inbox/read-all/").status_code == 405
    response = client.post("/office/inbox/read-all/", follow=True)
    assert response.context["unread"] == 0
    assert "已将 2 条消息标为已读。" in response.content.decode()
    assert "没有未读消息" in response.content.decode()


def test_the_unread_count_tag_for_the_site_header(inbox):
    request = RequestFactory().get("/")
    request.user = inbox["reader"]
    rendered = Template("{% load office_tags %}{% inbox_unread_count as n %}[{{ n }}]").render(
        Context({"request": request}))
    assert rendered == "[2]"
