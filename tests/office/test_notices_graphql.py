"""GraphQL for the mini-program: `notices` with the user's read state (query count pinned), `notice`,
`markNoticeRead`, `confirmNotice`, `inbox` and `todos`. Run against a schema of OfficeQuery/OfficeMutation
through the project's GraphQL view, so the same tests hold once portal/api.py includes them."""

from __future__ import annotations

import json
from datetime import timedelta

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.office import services as office_services
from governance.office.models import Delivery, NoticeAudience, NoticeConfirmation
from governance.office.schema import OfficeMutation, OfficeQuery
from portal.graphql_view import PortalGraphQLView
from tests.office.test_notices import estate, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


class Query(OfficeQuery, graphene.ObjectType):
    pass


class Mutation(OfficeMutation, graphene.ObjectType):
    pass


SCHEMA = graphene.Schema(query=Query, mutation=Mutation)
VIEW = PortalGraphQLView.as_view(schema=SCHEMA)


def gql(user, query, variables=None):
    request = RequestFactory().post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                                    content_type="application/json")
    request.user = user or AnonymousUser()
    request._dont_enforce_csrf_checks = True
    response = VIEW(request)
    assert response.status_code == 200, response.content.decode()
    return json.loads(response.content)


NOTICES = """
query ($code: String!, $first: Int, $offset: Int) {
  notices(communityCode: $code, first: $first, offset: $offset) {
    totalCount
    items {
      id title summary body url community { code name } audience scopeBuildings channels mustConfirm publishedAt
      isRecipient read readAt confirmed confirmedAt canConfirm
    }
  }
}
"""

MARK_READ = """
mutation ($id: ID!) {
  markNoticeRead(noticeId: $id) { firstRead notice { id read readAt } errors { code message field } }
}
"""

CONFIRM = """
mutation ($id: ID!) {
  confirmNotice(noticeId: $id) { notice { id read confirmed confirmedAt canConfirm } errors { code message field } }
}
"""


def test_notices_list_the_communitys_notices_with_my_read_state(estate, publish):
    owners_only = publish(estate.page, title="业主大会通知", audience=NoticeAudience.OWNERS, must_confirm=True)
    building = publish(estate.page, title="2栋停电", buildings=[estate.b2])
    publish(estate.other_page, title="碧水通知")
    # the tenant of 1栋 is a member: sees both, received neither
    data = gql(estate.tenant1, NOTICES, {"code": "sunny"})["data"]["notices"]
    assert data["totalCount"] == 2
    assert [(n["title"], n["isRecipient"], n["read"], n["canConfirm"]) for n in data["items"]] == [
        ("2栋停电", False, False, False), ("业主大会通知", False, False, False)]
    first = data["items"][0]
    assert first["scopeBuildings"] == ["2栋"] and first["audience"] == "ALL_RESIDENTS"
    assert first["channels"] == ["INSITE", "SMS"] and first["community"] == {"code": "sunny", "name": "阳光小区"}
    assert first["url"] == building.url and "请提前储水。" in first["body"]
    # owner2 (2栋) received both; reads one
    gql(estate.owner2, MARK_READ, {"id": str(owners_only.pk)})
    items = gql(estate.owner2, NOTICES, {"code": "sunny"})["data"]["notices"]["items"]
    assert [(n["title"], n["isRecipient"], n["read"], n["canConfirm"]) for n in items] == [
        ("2栋停电", True, False, False), ("业主大会通知", True, True, True)]
    assert items[1]["readAt"] is not None and items[1]["confirmedAt"] is None
    # paging
    page = gql(estate.owner2, NOTICES, {"code": "sunny", "first": 1, "offset": 1})["data"]["notices"]
    assert page["totalCount"] == 2 and [n["title"] for n in page["items"]] == ["业主大会通知"]


def test_notices_take_the_same_number_of_queries_for_one_notice_or_many(estate, publish):
    publish(estate.page, title="第一条", buildings=[estate.b1])
    with CaptureQueriesContext(connection) as one:
        assert len(gql(estate.owner1, NOTICES, {"code": "sunny"})["data"]["notices"]["items"]) == 1
    for i in range(3):
        publish(estate.page, title=f"第{i + 2}条", buildings=[estate.b1, estate.b2], must_confirm=True)
    gql(estate.owner1, MARK_READ, {"id": str(publish(estate.page, title="第五条").pk)})
    with CaptureQueriesContext(connection) as many:
        assert len(gql(estate.owner1, NOTICES, {"code": "sunny"})["data"]["notices"]["items"]) == 5
    # community, membership (memberships, then ownerships), count, notices, their buildings, my receipts,
    # my confirmations, site root paths
    assert len(many) == len(one) == 9, [q["sql"] for q in many.captured_queries]


def test_notices_of_a_community_i_do_not_belong_to_are_not_found(estate, publish):
    publish(estate.page)
    for user, code in ((estate.other_owner, "sunny"), (estate.outsider, "sunny"), (estate.owner1, "nowhere")):
        result = gql(user, NOTICES, {"code": code})
        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert gql(None, NOTICES, {"code": "sunny"})["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def test_mark_notice_read_marks_my_receipt_once(estate, publish):
    notice = publish(estate.page)
    result = gql(estate.owner1, MARK_READ, {"id": str(notice.pk)})["data"]["markNoticeRead"]
    assert result["errors"] == [] and result["firstRead"] is True
    assert result["notice"]["read"] is True and result["notice"]["readAt"] is not None
    assert not Delivery.objects.filter(recipient=estate.owner1, read_at__isnull=True).exists()
    again = gql(estate.owner1, MARK_READ, {"id": str(notice.pk)})["data"]["markNoticeRead"]
    assert again["firstRead"] is False and again["notice"]["readAt"] == result["notice"]["readAt"]
    # a member who is not a recipient: no error, nothing to mark
    staff = gql(estate.committee, MARK_READ, {"id": str(notice.pk)})["data"]["markNoticeRead"]
    assert staff["errors"] == [] and staff["firstRead"] is False and staff["notice"]["read"] is False


def test_mark_notice_read_by_a_stranger_is_not_found_and_changes_nothing(estate, publish):
    notice = publish(estate.page)
    for stranger, notice_id in ((estate.other_owner, notice.pk), (estate.outsider, notice.pk),
                                (estate.owner1, 999999), (estate.owner1, "abc")):
        result = gql(stranger, MARK_READ, {"id": str(notice_id)})["data"]["markNoticeRead"]
        assert result["notice"] is None
        assert result["errors"] == [{"code": "NOT_FOUND", "message": "通知不存在或您无权查看。", "field": "noticeId"}]
    anonymous = gql(None, MARK_READ, {"id": str(notice.pk)})["data"]["markNoticeRead"]
    assert anonymous["errors"][0]["code"] == "NOT_AUTHENTICATED"
    assert not Delivery.objects.filter(read_at__isnull=False).exists()


def test_confirm_notice(estate, publish):
    notice = publish(estate.page, must_confirm=True, audience=NoticeAudience.OWNERS)
    result = gql(estate.owner1, CONFIRM, {"id": str(notice.pk)})["data"]["confirmNotice"]
    assert result["errors"] == []
    assert result["notice"]["confirmed"] is True and result["notice"]["read"] is True
    assert result["notice"]["canConfirm"] is False
    again = gql(estate.owner1, CONFIRM, {"id": str(notice.pk)})["data"]["confirmNotice"]
    assert again["notice"]["confirmedAt"] == result["notice"]["confirmedAt"]
    # the tenant is a member but not in an owners-only notice's audience
    tenant = gql(estate.tenant1, CONFIRM, {"id": str(notice.pk)})["data"]["confirmNotice"]
    assert tenant["notice"] is None and tenant["errors"][0]["code"] == "NOT_IN_AUDIENCE"
    plain = publish(estate.page, title="绿化通知")
    invalid = gql(estate.owner1, CONFIRM, {"id": str(plain.pk)})["data"]["confirmNotice"]
    assert invalid["errors"][0]["code"] == "INVALID"
    stranger = gql(estate.other_owner, CONFIRM, {"id": str(notice.pk)})["data"]["confirmNotice"]
    assert stranger["errors"][0]["code"] == "NOT_FOUND"
    assert list(NoticeConfirmation.objects.values_list("user_id", flat=True)) == [estate.owner1.pk]


INBOX = """
query { inbox(first: 10) { totalCount unreadCount items { id kind title summary body link read readAt
  community { code } } } }
"""

TODOS = """
query ($done: Boolean) { todos(includeDone: $done) { id tag title status dueAt overdue assignedToMe
  community { code } } }
"""


def test_inbox_lists_my_in_site_messages(estate, publish):
    notice = publish(estate.page, channels=["insite", "sms"], audience=NoticeAudience.OWNERS)
    inbox = gql(estate.owner1, INBOX)["data"]["inbox"]
    assert (inbox["totalCount"], inbox["unreadCount"]) == (1, 1)
    item = inbox["items"][0]
    assert (item["kind"], item["title"], item["summary"], item["link"], item["read"]) == (
        "NOTICE", "停水通知", "6月1日 9:00–17:00 停水", notice.url, False)
    assert item["community"] == {"code": "sunny"}
    gql(estate.owner1, MARK_READ, {"id": str(notice.pk)})
    assert gql(estate.owner1, INBOX)["data"]["inbox"]["unreadCount"] == 0
    assert gql(estate.tenant1, INBOX)["data"]["inbox"] == {"totalCount": 0, "unreadCount": 0, "items": []}
    assert gql(None, INBOX)["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def test_todos_lists_mine_and_my_roles(estate):
    due = timezone.now() - timedelta(hours=1)
    mine = office_services.todo_create(community=estate.community, tag="用印", title="用印申请审批", due_at=due,
                                       assignee=estate.committee)
    office_services.todo_create(community=estate.community, tag="巡检", title="消防巡检", due_at=None,
                                assignee_role="property_staff")
    done = office_services.todo_create(community=estate.community, tag="审批", title="已办结", due_at=None,
                                       assignee=estate.committee)
    office_services.todo_complete(todo=done, actor=estate.committee)
    items = gql(estate.committee, TODOS)["data"]["todos"]
    assert [(t["title"], t["tag"], t["status"], t["overdue"], t["assignedToMe"]) for t in items] == [
        ("用印申请审批", "SEAL", "IN_PROGRESS", True, True)]
    assert items[0]["id"] == str(mine.pk) and items[0]["community"] == {"code": "sunny"}
    assert len(gql(estate.committee, TODOS, {"done": True})["data"]["todos"]) == 2
    staff = gql(estate.property_staff, TODOS)["data"]["todos"]
    assert [(t["title"], t["assignedToMe"]) for t in staff] == [("消防巡检", False)]
    assert gql(estate.owner1, TODOS)["data"]["todos"] == []
