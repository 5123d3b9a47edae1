"""The inbox badge of every signed-in page (base.html) counts with one plain SQL query; it must be exactly the
ORM's count of delivered, unread in-site messages of the user (`inbox_unread_queryset`)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from governance.office import selectors
from governance.office.models import ChannelName, Delivery, DeliveryStatus, Message
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _deliver(message, user, *, channel=ChannelName.INSITE, status=DeliveryStatus.SENT, read=False):
    return Delivery.objects.create(message=message, recipient=user, channel=channel, status=status,
                                   read_at=timezone.now() if read else None)


def test_the_badge_counts_exactly_the_unread_delivered_in_site_messages(django_assert_num_queries):
    community = CommunityFactory()
    reader, other = UserFactory(), UserFactory()
    messages = [Message.objects.create(community=community, title=f"通知{i}") for i in range(6)]
    _deliver(messages[0], reader)  # counted
    _deliver(messages[1], reader)  # counted
    _deliver(messages[2], reader, read=True)
    _deliver(messages[3], reader, status=DeliveryStatus.QUEUED)
    _deliver(messages[4], reader, channel=ChannelName.SMS)
    _deliver(messages[5], other)
    for user, expected in ((reader, 2), (other, 1), (UserFactory(), 0)):
        assert selectors.inbox_unread_queryset(user).count() == expected
        with django_assert_num_queries(1):
            assert selectors.inbox_unread_count(user) == expected


def test_the_badge_in_the_page_header():
    community = CommunityFactory()
    reader = UserFactory()
    for i in range(3):
        _deliver(Message.objects.create(community=community, title=f"通知{i}"), reader)
    request = RequestFactory().get("/")
    request.user = reader
    html = Template("{% load office_tags %}{% inbox_unread_count as n %}[{{ n }}]").render(Context({"request": request}))
    assert html == "[3]"
    request.user = UserFactory()
    assert Template("{% load office_tags %}{% inbox_unread_count as n %}[{{ n }}]").render(
        Context({"request": request})) == "[0]"
