"""Who sees which bookings: the expert his own, a community's committee and government staff that community's;
another community's booking is unreachable (404) on the portal. The public expert page shows 可预约 / 已约满
and never who booked."""

import pytest
from django.test import Client

from knowledge.experts import selectors
from knowledge.experts.models import BookingStatus

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bookings(world):
    a = BookingFactory(slot=world.slot(in_hours=30), community=world.a, requested_by=world.a_member,
                       topic="阳光小区电梯更新")
    b = BookingFactory(slot=world.slot(in_hours=50), community=world.b, requested_by=world.b_member,
                       topic="碧水小区停车收费")
    other = BookingFactory(slot=world.slot(in_hours=70, expert=world.other_expert), community=world.b,
                           requested_by=world.b_member, topic="碧水小区外墙")
    return a, b, other


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_actor_sees_exactly_his_bookings(world, bookings):
    a, b, other = bookings
    expected = {
        "expert": {a, b}, "a_member": {a}, "a_secretary": {a}, "a_rc": {a}, "a_street": {a},
        "b_member": {b, other}, "a_property": set(), "owner": set(), "editor": set(),
    }
    for who, wanted in expected.items():
        user = world.expert.user if who == "expert" else getattr(world, who)
        assert set(selectors.visible_bookings(user)) == wanted, who
    assert set(selectors.visible_bookings(world.other_expert.user)) == {other}


@pytest.mark.parametrize("suffix", ["", "respond/", "cancel/"])
def test_another_communitys_booking_is_404_on_the_portal(world, bookings, suffix):
    _, b, _ = bookings
    client = client_for(world.a_member)
    method = client.get if suffix == "" else client.post
    response = method(f"/experts/bookings/{b.pk}/{suffix}", {"decision": "accept"})
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.status == BookingStatus.PENDING


def test_the_booking_list_never_shows_another_community(world, bookings):
    page = client_for(world.a_rc).get("/experts/bookings/").content.decode()
    assert "阳光小区电梯更新" in page
    assert "碧水" not in page


def test_the_public_page_shows_availability_but_not_who_booked(world, bookings, client):
    free = world.slot(in_hours=90)
    soon = world.slot(in_hours=1)
    page = client.get(f"/experts/{world.expert.pk}/").content.decode()
    assert page.count("已约满") == 2
    assert "可预约" in page and "已截止预约" in page
    for secret in ("阳光小区", "碧水", "陈委员", "电梯", "停车"):
        assert secret not in page
    assert free.span in page and soon.span in page
