"""The Wagtail admin "专家顾问": editors manage profiles (draft-state snippets), open and cancel slots through the
services, and read bookings. Everyone else who uses the admin sees no menu, and every slot or booking URL is a
404 for them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledge.experts.models import Booking, BookingStatus, ExpertProfile, ExpertSlot
from portal.accounts.models import Membership, Role
from tests.admin.conftest import sidebar_menu
from tests.factories import UserFactory

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def test_editors_get_the_menu_and_others_do_not(world):
    menu = sidebar_menu(client_for(world.editor).get("/admin/"))
    assert "专家顾问" in menu
    assert (menu["专家资料"], menu["专家时段"], menu["专家预约"]) == (
        "/admin/experts/profiles/", "/admin/experts/slots/", "/admin/experts/bookings/")
    staff_home = client_for(world.a_member).get("/admin/")
    assert staff_home.status_code == 200
    assert not {"专家顾问", "专家资料", "专家时段", "专家预约"} & set(sidebar_menu(staff_home))


def test_the_editor_reads_bookings(world):
    booking = BookingFactory(slot=world.slot(), community=world.b, requested_by=world.b_member, topic="碧水停车收费")
    client = client_for(world.editor)
    assert "碧水停车收费" in client.get("/admin/experts/bookings/").content.decode()
    inspect = client.get(f"/admin/experts/bookings/inspect/{booking.pk}/")
    assert inspect.status_code == 200 and "碧水停车收费" in inspect.content.decode()
    assert client.get(f"/admin/experts/bookings/edit/{booking.pk}/").status_code == 404
    assert client.get(f"/admin/experts/bookings/delete/{booking.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["a_member", "b_member", "a_rc", "a_street"])
def test_staff_of_any_community_cannot_reach_bookings_or_slots(world, who):
    theirs = BookingFactory(slot=world.slot(), community=world.b, requested_by=world.b_member)
    client = client_for(getattr(world, who))
    assert client.get(f"/admin/experts/bookings/inspect/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/experts/slots/inspect/{theirs.slot_id}/").status_code == 404
    assert client.post(f"/admin/experts/slots/cancel/{theirs.slot_id}/").status_code == 404
    assert client.get("/admin/experts/bookings/").status_code in (302, 403)
    assert client.get("/admin/experts/profiles/").status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.PENDING


def test_the_editor_opens_a_slot_through_the_service(world):
    client = client_for(world.editor)
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = client.post("/admin/experts/slots/new/", {
        "expert": world.other_expert.pk, "starts_at": local(start), "ends_at": local(start + timedelta(hours=1)),
        "mode": "onsite", "place": "街道党群服务中心"})
    assert response.status_code == 302, response.content.decode()[:2000]
    slot = ExpertSlot.objects.get()
    assert (slot.expert, slot.starts_at, slot.created_by) == (world.other_expert, start, world.editor)
    clash = client.post("/admin/experts/slots/new/", {
        "expert": world.other_expert.pk, "starts_at": local(start + timedelta(minutes=30)),
        "ends_at": local(start + timedelta(hours=2)), "mode": "video", "place": ""})
    assert clash.status_code == 200
    assert f"与已有时段 {start.month}月{start.day}日 10:00–11:00 重叠。" in clash.content.decode()
    assert ExpertSlot.objects.count() == 1
    backwards = client.post("/admin/experts/slots/new/", {
        "expert": world.other_expert.pk, "starts_at": local(start + timedelta(days=1, hours=1)),
        "ends_at": local(start + timedelta(days=1)), "mode": "video", "place": ""})
    assert backwards.status_code == 200
    assert "结束时间须晚于开始时间。" in backwards.content.decode()
    assert "experts_slot_ends_after_start" not in backwards.content.decode()
    assert ExpertSlot.objects.count() == 1
    listing = client.get("/admin/experts/slots/").content.decode()
    assert slot.span in listing and "吴工程师" in listing


def test_the_editor_cancels_a_slot_and_its_booking(world):
    slot = world.slot(in_hours=30)
    booking = BookingFactory(slot=slot, community=world.a, requested_by=world.a_member, status=BookingStatus.CONFIRMED)
    client = client_for(world.editor)
    inspect = client.get(f"/admin/experts/slots/inspect/{slot.pk}/").content.decode()
    assert "已约满" in inspect and 'data-testid="cancel-slot"' in inspect
    response = client.post(f"/admin/experts/slots/cancel/{slot.pk}/")
    assert response.status_code == 302
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.cancelled_by == world.editor and booking.status == BookingStatus.CANCELLED
    # both sides are told: the requester, and the expert who did not cancel it himself
    from governance.office.models import Delivery

    told = dict(Delivery.objects.filter(channel="insite").values_list("recipient_id", "message__title"))
    assert told == {world.a_member.pk: f"专家预约已取消：{booking.topic}",
                    slot.expert.user_id: f"您的咨询时段已被取消：{booking.topic}"}


def test_the_editor_creates_and_publishes_a_profile(world):
    newcomer = UserFactory(phone="13855550001", display_name="孙会计师")
    Membership.objects.create(user=newcomer, role=Role.EXPERT)
    plain = UserFactory(phone="13855550002", display_name="普通用户")
    client = client_for(world.editor)
    form = client.get("/admin/experts/profiles/add/").content.decode()
    assert "孙会计师" in form and "普通用户" not in form and "138****0001" in form
    data = {"user": newcomer.pk, "name": "孙会计师", "title": "注册会计师", "organisation": "信达会计师事务所",
            "specialties": "物业费收支审计、公共收益", "bio": "", "photo": ""}
    refused = client.post("/admin/experts/profiles/add/", data | {"user": plain.pk, "action-publish": "1"})
    assert refused.status_code == 200 and not ExpertProfile.objects.filter(name="孙会计师").exists()
    response = client.post("/admin/experts/profiles/add/", data | {"action-publish": "1"})
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(name="孙会计师")
    assert profile.live and profile.live_revision is not None
    assert profile.specialty_list == ["物业费收支审计", "公共收益"]
    assert "孙会计师" in Client().get("/experts/").content.decode()
    listing = client.get("/admin/experts/profiles/").content.decode()
    assert "孙会计师" in listing and "周律师" in listing
    assert client.get(f"/admin/experts/profiles/edit/{profile.pk}/").status_code == 200


def test_a_draft_profile_is_not_listed(world):
    newcomer = UserFactory(phone="13855550003", display_name="钱工程师")
    Membership.objects.create(user=newcomer, role=Role.EXPERT)
    client = client_for(world.editor)
    client.post("/admin/experts/profiles/add/", {
        "user": newcomer.pk, "name": "钱工程师", "title": "高级工程师", "organisation": "市建筑设计院",
        "specialties": "电梯更新", "bio": "", "photo": ""})
    profile = ExpertProfile.objects.get(name="钱工程师")
    assert profile.live is False
    assert "钱工程师" not in Client().get("/experts/").content.decode()


def test_committee_staff_cannot_edit_profiles(world):
    client = client_for(world.a_member)
    response = client.get(f"/admin/experts/profiles/edit/{world.expert.pk}/")
    assert response.status_code in (302, 403)
    response = client.post(f"/admin/experts/profiles/edit/{world.expert.pk}/", {
        "user": world.expert.user_id, "name": "改名", "title": "x", "organisation": "x", "specialties": "x",
        "action-publish": "1"})
    world.expert.refresh_from_db()
    assert world.expert.name == "周律师"
    assert Booking.objects.count() == 0
