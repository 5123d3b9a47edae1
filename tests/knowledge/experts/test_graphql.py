"""GraphQL of 专家预约 through the project's GraphQL view: the public expert list (query count pinned for 1 and 10
experts), the bookings a user sees (another community's is NOT_FOUND), and the mutations with their error codes."""

import io
import json
from datetime import timedelta

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.images import ImageFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage

from knowledge.experts.models import Booking, BookingStatus, ExpertSlot
from knowledge.experts.schema import ExpertsMutation, ExpertsQuery
from portal.graphql_view import PortalGraphQLView
from tests.factories import UserFactory

from .conftest import insite
from .factories import BookingFactory, SlotFactory, make_expert

pytestmark = pytest.mark.django_db


class Query(ExpertsQuery, graphene.ObjectType):
    pass


class Mutation(ExpertsMutation, graphene.ObjectType):
    pass


VIEW = PortalGraphQLView.as_view(schema=graphene.Schema(query=Query, mutation=Mutation))


@pytest.fixture(autouse=True)
def strict(settings, tmp_path):
    settings.GRAPHQL_STRICT_PREFETCH = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


def gql(user, query, variables=None):
    request = RequestFactory().post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                                    content_type="application/json")
    request.user = user or AnonymousUser()
    request._dont_enforce_csrf_checks = True
    response = VIEW(request)
    assert response.status_code == 200, response.content.decode()
    return json.loads(response.content)


def photo():
    from wagtail.images.models import Image

    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 300), (40, 90, 160)).save(buffer, format="PNG")
    return Image.objects.create(title="照片", file=ImageFile(buffer, name="expert.png"))


EXPERTS = """{ experts { id name title organisation specialties bio photoUrl
  upcomingSlots { id span mode modeLabel place available taken statusLabel cancelled } } }"""


def test_experts_lists_published_experts_with_their_upcoming_slots(world):
    free = world.slot(in_hours=30)
    held = world.slot(in_hours=50)
    BookingFactory(slot=held, community=world.a, requested_by=world.a_member)
    world.slot(in_hours=-3)                                 # past
    world.slot(in_hours=1)                                  # inside the lead time
    cancelled = world.slot(in_hours=70)
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    make_expert(name="草稿专家", live=False)

    data = gql(None, EXPERTS)["data"]["experts"]
    assert [e["name"] for e in data] == sorted(["周律师", "吴工程师"])
    zhou = next(e for e in data if e["name"] == "周律师")
    assert zhou["specialties"] == ["物业纠纷", "维修资金"] and zhou["photoUrl"] is None
    states = [(s["id"], s["available"], s["taken"], s["statusLabel"]) for s in zhou["upcomingSlots"]]
    assert states[1:] == [(str(free.pk), True, False, "可预约"), (str(held.pk), False, True, "已约满")]
    assert states[0][1:] == (False, False, "已截止预约")
    assert zhou["upcomingSlots"][1]["modeLabel"] == "线上视频"


def _experts_with_slots(n):
    for i in range(n):
        profile = make_expert(name=f"专家{i:02d}", photo=photo())
        for day in (1, 2, 3):
            start = timezone.now() + timedelta(days=day, hours=i)
            SlotFactory(expert=profile, starts_at=start, ends_at=start + timedelta(hours=1))


@pytest.mark.parametrize("n", [1, 10])
def test_experts_query_count_does_not_grow_with_experts(db, n):
    _experts_with_slots(n)
    gql(None, EXPERTS)  # renditions are generated once, outside the count
    with CaptureQueriesContext(connection) as queries:
        data = gql(None, EXPERTS)["data"]["experts"]
    assert len(data) == n and all(e["photoUrl"].startswith("http://testserver/") for e in data)
    assert all(len(e["upcomingSlots"]) == 3 for e in data)
    # experts (photo joined) + photo renditions + upcoming slots with their "held" flag
    assert len(queries) == 3, [q["sql"] for q in queries.captured_queries]


def test_expert_by_id_and_unpublished_is_not_found(world):
    query = 'query ($id: ID!) { expert(id: $id) { name upcomingSlots { id } } }'
    data = gql(None, query, {"id": world.expert.pk})
    assert data["data"]["expert"]["name"] == "周律师"
    draft = make_expert(name="草稿专家", live=False)
    data = gql(None, query, {"id": draft.pk})
    assert data["errors"][0]["extensions"]["code"] == "NOT_FOUND"


BOOKINGS = """{ myBookings { id status statusLabel topic community { name } requestedBy expert { name }
  slot { span taken available } canRespond canCancel meetingInfo } }"""


def test_my_bookings_is_scoped_and_carries_abilities(world):
    mine = BookingFactory(slot=world.slot(in_hours=30), community=world.a, requested_by=world.a_member,
                          topic="电梯更新")
    BookingFactory(slot=world.slot(in_hours=40), community=world.b, requested_by=world.b_member, topic="碧水停车")
    as_member2 = gql(world.a_member2, BOOKINGS)["data"]["myBookings"]
    assert [(b["id"], b["topic"], b["canCancel"], b["canRespond"]) for b in as_member2] == [
        (str(mine.pk), "电梯更新", True, False)]
    assert as_member2[0]["slot"]["taken"] is True and as_member2[0]["requestedBy"] == "陈委员"
    as_rc = gql(world.a_rc, BOOKINGS)["data"]["myBookings"]
    assert [(b["topic"], b["canCancel"]) for b in as_rc] == [("电梯更新", False)]
    as_expert = gql(world.expert.user, BOOKINGS)["data"]["myBookings"]
    assert sorted(b["topic"] for b in as_expert) == ["电梯更新", "碧水停车"]
    assert all(b["canRespond"] for b in as_expert)
    assert gql(world.owner, BOOKINGS)["data"]["myBookings"] == []
    assert gql(None, BOOKINGS)["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


@pytest.mark.parametrize("n", [1, 10])
def test_my_bookings_query_count_does_not_grow(world, n):
    for i in range(n):
        BookingFactory(slot=world.slot(in_hours=30 + i), community=world.a, requested_by=world.a_member)
    with CaptureQueriesContext(connection) as queries:
        data = gql(world.a_member2, BOOKINGS)["data"]["myBookings"]
    assert len(data) == n
    # bookings (joined, slot "held" annotated) + is the viewer an expert + his committee communities
    assert len(queries) == 3, [q["sql"] for q in queries.captured_queries]


def test_another_communitys_booking_is_not_found(world):
    theirs = BookingFactory(slot=world.slot(), community=world.b, requested_by=world.b_member)
    query, ids = "query ($id: ID!) { booking(id: $id) { topic } }", {"id": theirs.pk}
    assert gql(world.a_member, query, ids)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert gql(world.b_member, query, ids)["data"]["booking"]["topic"] == "地下车位产权纠纷"
    cancel = "mutation ($id: ID!) { cancelBooking(bookingId: $id) { booking { status } errors { code } } }"
    assert gql(world.a_member, cancel, ids)["data"]["cancelBooking"]["errors"] == [{"code": "NOT_FOUND"}]
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.PENDING


BOOK = """mutation ($slot: ID!, $community: ID!, $topic: String!, $details: String) {
  bookExpert(slotId: $slot, communityId: $community, topic: $topic, details: $details) {
    booking { id status topic community { code } slot { taken available } canCancel }
    errors { code message field } } }"""


def test_book_expert_then_respond_then_cancel(world):
    slot = world.slot(in_hours=30)
    result = gql(world.a_member, BOOK, {"slot": slot.pk, "community": world.a.pk, "topic": "维修资金续筹"})
    payload = result["data"]["bookExpert"]
    assert payload["errors"] == []
    assert payload["booking"]["status"] == "PENDING" and payload["booking"]["community"]["code"] == "sunny"
    assert payload["booking"]["slot"] == {"taken": True, "available": False}
    booking_id = payload["booking"]["id"]

    respond = """mutation ($id: ID!) { respondBooking(bookingId: $id, accept: true, meetingInfo: "电话 010-12345678") {
      booking { status meetingInfo canRespond } errors { code } } }"""
    assert gql(world.other_expert.user, respond, {"id": booking_id})["data"]["respondBooking"]["errors"] == [
        {"code": "NOT_FOUND"}]
    done = gql(world.expert.user, respond, {"id": booking_id})["data"]["respondBooking"]
    assert done == {"booking": {"status": "CONFIRMED", "meetingInfo": "电话 010-12345678", "canRespond": False},
                    "errors": []}

    cancel = 'mutation ($id: ID!) { cancelBooking(bookingId: $id) { booking { status cancelledBy } errors { code } } }'
    assert gql(world.a_rc, cancel, {"id": booking_id})["data"]["cancelBooking"]["errors"] == [
        {"code": "PERMISSION_DENIED"}]
    cancelled = gql(world.a_secretary, cancel, {"id": booking_id})["data"]["cancelBooking"]
    assert cancelled == {"booking": {"status": "CANCELLED", "cancelledBy": "刘秘书"}, "errors": []}
    assert [d.message.title for d in insite(world.a_member)][-1] == "您的专家预约已被取消：维修资金续筹"


def test_book_expert_errors(world):
    slot = world.slot(in_hours=30)
    BookingFactory(slot=slot, community=world.b, requested_by=world.b_member)

    def errors(user, **variables):
        base = {"slot": slot.pk, "community": world.a.pk, "topic": "维修资金续筹"} | variables
        return gql(user, BOOK, base)["data"]["bookExpert"]["errors"]

    assert [e["code"] for e in errors(world.a_member)] == ["SLOT_TAKEN"]
    assert errors(world.a_rc)[0]["code"] == "PERMISSION_DENIED" and errors(world.a_rc)[0]["field"] == "communityId"
    assert errors(world.a_member, slot=world.slot(in_hours=1).pk)[0]["code"] == "WINDOW_CLOSED"
    assert errors(world.a_member, slot=world.slot(in_hours=40).pk, topic="x")[0]["field"] == "topic"
    assert errors(world.a_member, slot=999999)[0]["code"] == "NOT_FOUND"
    assert errors(world.a_member, community=999999, slot=world.slot(in_hours=45).pk)[0]["code"] == "NOT_FOUND"
    draft = make_expert(name="草稿专家", live=False)
    draft_slot = world.slot(expert=draft, in_hours=30)
    assert errors(world.a_member, slot=draft_slot.pk)[0]["code"] == "NOT_FOUND"
    assert errors(None)[0]["code"] == "NOT_AUTHENTICATED"
    assert Booking.objects.count() == 1


CREATE = """mutation ($s: DateTime!, $e: DateTime!) { createExpertSlot(startsAt: $s, endsAt: $e, mode: ONSITE,
  place: "小区活动室") { slot { id span mode place available cancelled } errors { code message field } } }"""


def test_the_expert_creates_and_cancels_his_slots(world):
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    naive = start.replace(tzinfo=None).isoformat()  # read as Beijing time
    created = gql(world.expert.user, CREATE, {"s": naive, "e": (start + timedelta(hours=1)).replace(
        tzinfo=None).isoformat()})["data"]["createExpertSlot"]
    assert created["errors"] == []
    assert created["slot"]["span"] == f"{start.month}月{start.day}日 14:00–15:00"
    assert (created["slot"]["mode"], created["slot"]["available"]) == ("ONSITE", True)
    clash = gql(world.expert.user, CREATE, {"s": start.isoformat(), "e": (start + timedelta(minutes=30)).isoformat()})
    assert clash["data"]["createExpertSlot"]["errors"][0]["message"] == (
        f"与已有时段 {start.month}月{start.day}日 14:00–15:00 重叠。")
    denied = gql(world.a_member, CREATE, {"s": start.isoformat(), "e": (start + timedelta(hours=1)).isoformat()})
    assert denied["data"]["createExpertSlot"]["errors"][0]["code"] == "PERMISSION_DENIED"

    slot_id = created["slot"]["id"]
    cancel = 'mutation ($id: ID!) { cancelExpertSlot(slotId: $id) { slot { cancelled } errors { code } } }'
    assert gql(world.other_expert.user, cancel, {"id": slot_id})["data"]["cancelExpertSlot"]["errors"] == [
        {"code": "NOT_FOUND"}]
    assert gql(world.expert.user, cancel, {"id": slot_id})["data"]["cancelExpertSlot"] == {
        "slot": {"cancelled": True}, "errors": []}
    assert ExpertSlot.objects.get(pk=slot_id).cancelled_by == world.expert.user
    mine = gql(world.expert.user, "{ myExpertSlots { id cancelled } }")["data"]["myExpertSlots"]
    assert mine == [{"id": slot_id, "cancelled": True}]


def test_booking_communities_for_the_form(world):
    query = "{ expertBookingCommunities { code name } }"
    assert gql(world.a_secretary, query)["data"]["expertBookingCommunities"] == [{"code": "sunny", "name": "阳光小区"}]
    assert gql(world.a_rc, query)["data"]["expertBookingCommunities"] == []
    assert gql(UserFactory(phone="13600000007", is_superuser=True), query)["data"]["expertBookingCommunities"] == []


MY_SLOTS = "{ myExpertSlots { id available taken statusLabel } }"


def test_my_expert_slots_query_count_does_not_grow_with_slots(world):
    def count(n_more):
        for i in range(n_more):
            slot = world.slot(in_hours=30 + 2 * i + 100 * n_more)
            if i % 2 == 0:
                BookingFactory(slot=slot, community=world.a, requested_by=world.a_member)
        with CaptureQueriesContext(connection) as queries:
            data = gql(world.expert.user, MY_SLOTS)["data"]["myExpertSlots"]
        return len(data), len(queries)

    one = count(1)
    ten = count(9)
    assert (one[0], ten[0]) == (1, 10)
    assert one[1] == ten[1], "每个时段不应再多一次查询"


def test_book_expert_refuses_a_phone_number_in_the_details(world):
    slot = world.slot(in_hours=30)
    payload = gql(world.a_member, BOOK, {"slot": slot.pk, "community": world.a.pk, "topic": "维修资金续筹",
                                         "details": "电话 138 1234 5678"})["data"]["bookExpert"]
    assert payload == {"booking": None, "errors": [
        {"code": "INVALID", "message": "请删除手机号、身份证号等个人信息：问题说明", "field": "details"}]}
    assert not Booking.objects.exists()
