"""GraphQL for the mini-program: `communityHome`, `archive` (scoped like the portal), `myFeedback` and
`submitFeedback`. Run against a schema of HomeQuery/HomeMutation through the project's GraphQL view,
so the same tests hold once portal/api.py includes them."""

import json
import re
from pathlib import Path

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from PIL import Image as PILImage

from home import services
from home.models import BulletinItem, BulletinType, BylawKind, CarouselItem, CommunityPage, DisclosurePage, Feedback
from home.schema import HomeMutation, HomeQuery
from portal.graphql_view import PortalGraphQLView
from tests.home.conftest import pdf_upload, png_upload, wagtail_image

pytestmark = pytest.mark.django_db


class Query(HomeQuery, graphene.ObjectType):
    pass


class Mutation(HomeMutation, graphene.ObjectType):
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


HOME = """
query ($code: String!) {
  communityHome(code: $code) {
    code name address buildings units verifiedShare isMember
    bylaws { kind label title present url fileUrl }
    carousel { url width height caption }
    bulletinItems { id typeName title imageUrl url }
    disclosures { title url }
    notices { title }
  }
}
"""

ARCHIVE = """
query ($code: String!, $category: ArchiveCategory, $year: Int, $q: String) {
  archive(communityCode: $code, category: $category, year: $year, q: $q) {
    id title category categoryLabel year isPublic contentType url fileUrl
  }
}
"""

SUBMIT = """
mutation ($code: String!, $category: FeedbackCategory!, $content: String!) {
  submitFeedback(communityCode: $code, category: $category, content: $content) {
    feedback { id category content status reply }
    errors { code message field }
  }
}
"""


def test_community_home_returns_the_public_page_data(world, media_root):
    a = world.a
    services.bylaw_save(community=a.community, kind=BylawKind.MANAGEMENT_STATUTE, actor=a.committee,
                        upload=pdf_upload("管理规约"))
    page = CommunityPage.objects.get(pk=a.page.pk)
    page.carousel_items = [CarouselItem(image=wagtail_image("入口", 1600, 1200), caption="小区入口")]
    page.save_revision().publish()
    kind = BulletinType.objects.create(community=a.community, name="社区活动")
    item = BulletinItem.objects.create(community=a.community, type=kind, title="端午包粽子", image=wagtail_image())
    disclosure = DisclosurePage(title="维修基金公示", slug="fund")
    page.add_child(instance=disclosure)
    disclosure.save_revision().publish()

    data = gql(None, HOME, {"code": "sunny"})["data"]["communityHome"]
    assert {k: data[k] for k in ("code", "name", "address", "buildings", "units", "verifiedShare", "isMember")} == {
        "code": "sunny", "name": "阳光小区", "address": "阳光小区路1号", "buildings": 1, "units": 4,
        "verifiedShare": "25.0", "isMember": False,
    }
    assert [(b["kind"], b["label"], b["present"]) for b in data["bylaws"]] == [
        ("RULES_OF_PROCEDURE", "议事规则", False), ("WORKING_RULES", "工作规则", False),
        ("MANAGEMENT_STATUTE", "管理规约", True)]
    statute = data["bylaws"][2]
    assert statute["title"] == "管理规约"
    assert statute["url"] == "http://testserver/sunny/bylaws/management_statute/"
    assert statute["fileUrl"] == "http://testserver/sunny/bylaws/management_statute/file/"
    assert data["bylaws"][0]["url"] is None and data["bylaws"][0]["fileUrl"] is None

    [slide] = data["carousel"]
    assert (slide["width"], slide["height"], slide["caption"]) == (750, 540, "小区入口")
    assert re.fullmatch(r"http://testserver/media/images/.+\.fill-750x540\.png", slide["url"])
    with PILImage.open(Path(media_root) / slide["url"].removeprefix("http://testserver/media/")) as rendered:
        assert rendered.size == (750, 540)

    assert data["bulletinItems"] == [{
        "id": str(item.pk), "typeName": "社区活动", "title": "端午包粽子",
        "imageUrl": data["bulletinItems"][0]["imageUrl"], "url": f"http://testserver/sunny/bulletin/{item.pk}/",
    }]
    assert data["bulletinItems"][0]["imageUrl"].endswith(".fill-750x540.png")
    assert data["disclosures"] == [{"title": "维修基金公示", "url": "http://testserver/sunny/fund/"}]
    assert data["notices"] == []

    assert gql(world.a.owner, HOME, {"code": "sunny"})["data"]["communityHome"]["isMember"] is True


def test_an_unknown_community_is_not_found(world):
    result = gql(None, HOME, {"code": "nowhere"})
    assert result["data"]["communityHome"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.fixture
def filed(world):
    a, b = world.a, world.b
    services.archive_upload(community=a.community, actor=a.committee, title="2024年会议纪要", category="minutes",
                            year=2024, upload=pdf_upload("维修基金使用办法"))
    services.archive_upload(community=a.community, actor=a.committee, title="停车场改造公告", category="notice",
                            year=2023, upload=png_upload(), is_public=True)
    services.archive_upload(community=b.community, actor=b.committee, title="碧水物业服务合同", category="contract",
                            year=2024, upload=pdf_upload("x"))


def test_a_member_gets_the_whole_archive_and_can_search_its_text(world, filed):
    rows = gql(world.a.owner, ARCHIVE, {"code": "sunny"})["data"]["archive"]
    assert [(r["title"], r["category"], r["categoryLabel"], r["year"], r["isPublic"], r["contentType"])
            for r in rows] == [("2024年会议纪要", "MINUTES", "会议纪要", 2024, False, "application/pdf"),
                               ("停车场改造公告", "NOTICE", "公告", 2023, True, "image/png")]
    assert rows[0]["fileUrl"] == f"http://testserver/sunny/archive/{rows[0]['id']}/file/"
    assert rows[0]["url"] == f"http://testserver/sunny/archive/{rows[0]['id']}/"
    found = gql(world.a.owner, ARCHIVE, {"code": "sunny", "q": "维修基金"})["data"]["archive"]
    assert [r["title"] for r in found] == ["2024年会议纪要"]
    by_category = gql(world.a.owner, ARCHIVE, {"code": "sunny", "category": "NOTICE"})["data"]["archive"]
    assert [r["title"] for r in by_category] == ["停车场改造公告"]
    assert gql(world.a.owner, ARCHIVE, {"code": "sunny", "year": 2022})["data"]["archive"] == []


@pytest.mark.parametrize("who", ["anonymous", "outsider", "b_committee"])
def test_anyone_else_gets_the_public_documents_only(world, filed, who):
    user = {"anonymous": None, "outsider": world.outsider, "b_committee": world.b.committee}[who]
    rows = gql(user, ARCHIVE, {"code": "sunny"})["data"]["archive"]
    assert [r["title"] for r in rows] == ["停车场改造公告"]
    assert gql(user, ARCHIVE, {"code": "sunny", "q": "维修基金"})["data"]["archive"] == []


def test_the_archive_of_an_unknown_community_is_not_found(world):
    result = gql(world.a.owner, ARCHIVE, {"code": "nowhere"})
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_the_archive_list_reads_in_a_fixed_number_of_queries(world, filed, django_assert_num_queries):
    # community + membership check (memberships, then ownerships) + the community page + documents + its site
    with django_assert_num_queries(6):
        rows = gql(world.a.owner, ARCHIVE, {"code": "sunny"})["data"]["archive"]
    assert len(rows) == 2


def test_a_member_submits_feedback(world):
    result = gql(world.a.owner, SUBMIT, {"code": "sunny", "category": "SUGGESTION", "content": "建议增加快递柜"})
    payload = result["data"]["submitFeedback"]
    assert payload["errors"] == []
    feedback = Feedback.objects.get()
    assert payload["feedback"] == {"id": str(feedback.pk), "category": "SUGGESTION", "content": "建议增加快递柜",
                                   "status": "PENDING", "reply": ""}
    assert feedback.user == world.a.owner and feedback.community == world.a.community


@pytest.mark.parametrize("who, code, expected", [
    ("anonymous", "sunny", "NOT_AUTHENTICATED"),
    ("outsider", "sunny", "PERMISSION_DENIED"),
    ("b_owner", "sunny", "PERMISSION_DENIED"),
    ("a_owner", "nowhere", "NOT_FOUND"),
])
def test_feedback_is_refused_with_a_typed_error(world, who, code, expected):
    user = {"anonymous": None, "outsider": world.outsider, "b_owner": world.b.owner, "a_owner": world.a.owner}[who]
    payload = gql(user, SUBMIT, {"code": code, "category": "OTHER", "content": "x"})["data"]["submitFeedback"]
    assert payload["feedback"] is None and [e["code"] for e in payload["errors"]] == [expected]
    assert not Feedback.objects.exists()


def test_my_feedback_shows_the_reply(world, django_capture_on_commit_callbacks):
    feedback = services.feedback_submit(community=world.a.community, user=world.a.owner, category="community",
                                        content="车库漏水")
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_reply(feedback=feedback, actor=world.a.committee, reply="已修复")
    query = "query ($code: String!) { myFeedback(communityCode: $code) { content status reply repliedAt } }"
    rows = gql(world.a.owner, query, {"code": "sunny"})["data"]["myFeedback"]
    assert [(r["content"], r["status"], r["reply"]) for r in rows] == [("车库漏水", "REPLIED", "已修复")]
    assert gql(world.b.owner, query, {"code": "sunny"})["data"]["myFeedback"] == []
    assert gql(None, query, {"code": "sunny"})["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def test_feedback_with_a_phone_number_is_refused_with_the_field_named(world):
    payload = gql(world.a.owner, SUBMIT, {"code": "sunny", "category": "OTHER",
                                          "content": "有事请打 +86 139 1234 5678"})["data"]["submitFeedback"]
    assert payload == {"feedback": None, "errors": [
        {"code": "INVALID", "message": "请删除手机号、身份证号等个人信息：反馈内容", "field": "content"}]}
    assert not Feedback.objects.exists()
