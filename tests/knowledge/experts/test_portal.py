"""The portal pages: the public list and profile, booking from the profile, the bookings page with its buttons,
and the expert's 我的时段."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledge.experts.models import Booking, BookingStatus, ExpertSlot
from tests.factories import MembershipFactory, UserFactory

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_listed_experts_with_open_slots(world, client):
    world.slot(in_hours=30)
    world.slot(in_hours=40)
    page = client.get("/experts/").content.decode()
    assert "周律师" in page and "吴工程师" in page
    assert "2 个时段可预约" in page and "暂无可预约时段" in page


def test_an_unlisted_expert_is_404(world, client):
    world.expert.live = False
    world.expert.save()
    assert client.get(f"/experts/{world.expert.pk}/").status_code == 404
    assert "周律师" not in client.get("/experts/").content.decode()


def test_an_anonymous_visitor_is_asked_to_sign_in(world, client):
    slot = world.slot(in_hours=30)
    page = client.get(f"/experts/{world.expert.pk}/").content.decode()
    assert "后，业委会委员或执行秘书可以代表小区预约。" in page and 'data-testid="booking-form"' not in page
    response = client.post(f"/experts/{world.expert.pk}/", {"slot": slot.pk, "topic": "试试"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Booking.objects.exists()


def test_a_committee_member_books_from_the_profile(world):
    slot = world.slot(in_hours=30)
    client = client_for(world.a_member)
    page = client.get(f"/experts/{world.expert.pk}/").content.decode()
    assert 'data-testid="booking-form"' in page and "阳光小区" in page and "碧水" not in page
    response = client.post(f"/experts/{world.expert.pk}/", {
        "slot": slot.pk, "community": world.a.pk, "topic": "业主大会召开程序", "details": "首次业主大会筹备。"})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/experts/bookings/{booking.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "业主大会召开程序" in detail and "待确认" in detail and "首次业主大会筹备。" in detail
    assert 'data-testid="cancel"' in detail and 'data-testid="confirm"' not in detail


def test_a_taken_slot_shows_the_services_message(world):
    slot = world.slot(in_hours=30)
    BookingFactory(slot=slot, community=world.b, requested_by=world.b_member)
    free = world.slot(in_hours=40)
    response = client_for(world.a_member).post(f"/experts/{world.expert.pk}/", {
        "slot": slot.pk, "community": world.a.pk, "topic": "业主大会召开程序"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "该时段已被预约，请选择其他时段。" in page
    assert f'value="{free.pk}"' in page and f'name="slot" value="{slot.pk}"' not in page
    assert Booking.objects.count() == 1


def test_a_member_cannot_book_for_another_community(world):
    slot = world.slot(in_hours=30)
    response = client_for(world.a_member).post(f"/experts/{world.expert.pk}/", {
        "slot": slot.pk, "community": world.b.pk, "topic": "业主大会召开程序"})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_someone_outside_the_committee_is_refused(world):
    slot = world.slot(in_hours=30)
    client = client_for(world.a_rc)
    assert "只有业委会委员或执行秘书可以代表小区预约专家。" in client.get(f"/experts/{world.expert.pk}/").content.decode()
    response = client.post(f"/experts/{world.expert.pk}/", {"slot": slot.pk, "community": world.a.pk, "topic": "程序"})
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_the_expert_confirms_and_declines_from_the_bookings_page(world):
    one = BookingFactory(slot=world.slot(in_hours=30), community=world.a, requested_by=world.a_member, topic="电梯")
    two = BookingFactory(slot=world.slot(in_hours=40), community=world.b, requested_by=world.b_member, topic="停车")
    client = client_for(world.expert.user)
    page = client.get("/experts/bookings/").content.decode()
    assert page.count('data-testid="confirm"') == 2 and 'data-testid="cancel"' not in page
    response = client.post(f"/experts/bookings/{one.pk}/respond/", {
        "decision": "accept", "meeting_info": "腾讯会议 888-888", "back": "list"})
    assert response.status_code == 302 and response["Location"] == "/experts/bookings/"
    one.refresh_from_db()
    assert (one.status, one.meeting_info) == (BookingStatus.CONFIRMED, "腾讯会议 888-888")
    response = client.post(f"/experts/bookings/{two.pk}/respond/", {"decision": "decline", "note": ""}, follow=True)
    assert "婉拒时请填写说明。" in response.content.decode()
    two.refresh_from_db()
    assert two.status == BookingStatus.PENDING
    client.post(f"/experts/bookings/{two.pk}/respond/", {"decision": "decline", "note": "时间冲突"})
    two.refresh_from_db()
    assert two.status == BookingStatus.DECLINED
    assert 'data-testid="meeting-info"' in client.get(f"/experts/bookings/{one.pk}/").content.decode()
    confirmed = client.get("/experts/bookings/?status=confirmed").content.decode()
    assert confirmed.count('data-testid="booking"') == 1 and ">电梯<" in confirmed and ">停车<" not in confirmed


def test_a_colleague_cancels_from_the_bookings_page(world):
    booking = BookingFactory(slot=world.slot(in_hours=30), community=world.a, requested_by=world.a_member)
    client = client_for(world.a_secretary)
    assert 'data-testid="cancel"' in client.get("/experts/bookings/").content.decode()
    response = client.post(f"/experts/bookings/{booking.pk}/cancel/", follow=True)
    assert "预约已取消，专家会收到通知。" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_government_staff_see_but_do_not_act(world):
    booking = BookingFactory(slot=world.slot(in_hours=30), community=world.a, requested_by=world.a_member)
    client = client_for(world.a_street)
    page = client.get(f"/experts/bookings/{booking.pk}/").content.decode()
    assert "地下车位产权纠纷" in page and 'data-testid="cancel"' not in page
    client.post(f"/experts/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_a_requester_without_a_name_is_shown_with_a_masked_phone(world):
    member = UserFactory(phone="13912345678")
    MembershipFactory(user=member, community=world.a)
    BookingFactory(slot=world.slot(in_hours=30), community=world.a, requested_by=member)
    page = client_for(world.a_rc).get("/experts/bookings/").content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_my_slots_is_for_experts_only(world):
    assert client_for(world.a_member).get("/experts/me/").status_code == 404
    assert client_for(world.editor).get("/experts/me/").status_code == 404
    assert client_for(world.expert.user).get("/experts/me/").status_code == 200


def test_the_expert_opens_and_cancels_a_slot_on_his_page(world):
    client = client_for(world.expert.user)
    day = (timezone.localtime() + timedelta(days=5)).date()
    response = client.post("/experts/me/", {"day": day.isoformat(), "start": "19:00", "end": "20:00",
                                            "mode": "phone", "place": "专家来电"})
    assert response.status_code == 302
    slot = ExpertSlot.objects.get()
    assert slot.span == f"{day.month}月{day.day}日 19:00–20:00" and slot.mode == "phone"
    clash = client.post("/experts/me/", {"day": day.isoformat(), "start": "19:30", "end": "21:00", "mode": "video"})
    assert clash.status_code == 400
    assert f"与已有时段 {day.month}月{day.day}日 19:00–20:00 重叠。" in clash.content.decode()
    booking = BookingFactory(slot=slot, community=world.a, requested_by=world.a_member, topic="物业费调价")
    page = client.get("/experts/me/").content.decode()
    assert "阳光小区 · 物业费调价" in page
    client.post(f"/experts/me/slots/{slot.pk}/cancel/")
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.cancelled_at is not None and booking.status == BookingStatus.CANCELLED


def test_an_expert_cannot_cancel_another_experts_slot(world):
    theirs = world.slot(expert=world.other_expert)
    assert client_for(world.expert.user).post(f"/experts/me/slots/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_booking_details_with_a_phone_number_show_the_refusal(world):
    slot = world.slot(in_hours=30)
    response = client_for(world.a_member).post(f"/experts/{world.expert.pk}/", {
        "slot": slot.pk, "community": world.a.pk, "topic": "业主大会召开程序", "details": "联系我：+8613812345678"})
    assert response.status_code == 400
    assert "请删除手机号、身份证号等个人信息：问题说明" in response.content.decode()
    assert not Booking.objects.exists()
