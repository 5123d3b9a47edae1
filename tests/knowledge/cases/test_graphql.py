"""GraphQL: myCaseSubmissions, caseSubmission(id), submitCase, updateCase, withdrawCase — through the
project's GraphQL view with a schema of CasesQuery/CasesMutation (the same once portal/api.py has them)."""

import json

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.cases.schema import CasesMutation, CasesQuery
from knowledge.models import ArticlePage
from governance.registry.roles import communities_for
from portal.graphql_view import PortalGraphQLView

from .factories import GOOD, submit

pytestmark = pytest.mark.django_db


class Query(CasesQuery, graphene.ObjectType):
    pass


class Mutation(CasesMutation, graphene.ObjectType):
    pass


SCHEMA = graphene.Schema(query=Query, mutation=Mutation)
VIEW = PortalGraphQLView.as_view(schema=SCHEMA)

FIELDS = "id kind title background dispute handling outcome lessons community { code name } status statusLabel " \
         "moderatorComment articleUrl canEdit canWithdraw createdAt updatedAt withdrawnAt"
MINE = f"{{ myCaseSubmissions {{ {FIELDS} }} }}"
ONE = f"query ($id: ID!) {{ caseSubmission(id: $id) {{ {FIELDS} }} }}"
ARGS = "$title: String!, $background: String!, $dispute: String!, $handling: String!, $outcome: String!, " \
       "$lessons: String, $kind: CaseKind, $communityCode: String"
PASS = "title: $title, background: $background, dispute: $dispute, handling: $handling, outcome: $outcome, " \
       "lessons: $lessons, kind: $kind, communityCode: $communityCode"
SUBMIT = f"mutation ({ARGS}) {{ submitCase({PASS}) {{ caseSubmission {{ {FIELDS} }} errors {{ code message field }} }} }}"
UPDATE = (f"mutation ($id: ID!, {ARGS}) {{ updateCase(id: $id, {PASS}) "
          f"{{ caseSubmission {{ {FIELDS} }} errors {{ code message field }} }} }}")
WITHDRAW = f"mutation ($id: ID!) {{ withdrawCase(id: $id) {{ caseSubmission {{ {FIELDS} }} errors {{ code field }} }} }}"


def gql(user, query, variables=None):
    request = RequestFactory().post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                                    content_type="application/json")
    request.user = user or AnonymousUser()
    request._dont_enforce_csrf_checks = True
    response = VIEW(request)
    assert response.status_code == 200, response.content.decode()
    return json.loads(response.content)


def _variables(community=None, **overrides):
    return {**GOOD, "kind": "DISPUTE", "communityCode": community.code if community else None, **overrides}


def _reject(submission, editor, comment):
    ArticlePage.objects.get(pk=submission.page_id).current_workflow_task_state.reject(user=editor, comment=comment)


def test_submit_case_returns_the_submission_in_review(site_root, community, owner):
    result = gql(owner, SUBMIT, _variables(community))
    payload = result["data"]["submitCase"]
    assert payload["errors"] == []
    case = payload["caseSubmission"]
    submission = CaseSubmission.objects.get(submitted_by=owner)
    assert case["id"] == str(submission.pk)
    assert (case["kind"], case["status"], case["statusLabel"]) == ("DISPUTE", "IN_REVIEW", "审核中")
    assert case["community"] == {"code": community.code, "name": community.name}
    assert (case["moderatorComment"], case["articleUrl"], case["canEdit"], case["canWithdraw"]) == (
        None, None, False, True)
    assert ArticlePage.objects.get(pk=submission.page_id).kind == "dispute"


def test_submit_case_errors_name_the_argument_and_write_nothing(site_root, community, owner, other_owner, stranger):
    cases = [
        (owner, _variables(community, handling="电话13800138000"), "INVALID", "handling",
         "请删除手机号、身份证号等个人信息：处理经过"),
        (owner, _variables(community, title="四个字啊"), "INVALID", "title", "标题须为 5–80 个字（现为 4 个字）。"),
        (owner, _variables(communities_for(other_owner).get()), "INVALID", "communityCode", "请选择您所在的小区。"),
        (owner, _variables(community, communityCode="no-such-code"), "INVALID", "communityCode",
         "请选择您所在的小区。"),
        (stranger, _variables(), "PERMISSION_DENIED", None, "加入小区（完成业主认证或住户登记）后才能投稿。"),
        (None, _variables(), "NOT_AUTHENTICATED", None, None),
    ]
    for user, variables, code, field, message in cases:
        payload = gql(user, SUBMIT, variables)["data"]["submitCase"]
        assert payload["caseSubmission"] is None
        [error] = payload["errors"]
        assert (error["code"], error["field"]) == (code, field)
        if message is not None:
            assert error["message"] == message
    assert CaseSubmission.objects.count() == 0
    assert ArticlePage.objects.count() == 0


def test_the_limit_is_rate_limited(site_root, owner, settings):
    settings.CASE_MAX_PENDING = 2
    submit(owner)
    submit(owner, title="电梯更换资金分摊争议")
    payload = gql(owner, SUBMIT, _variables(title="停车位出租收益归属争议"))["data"]["submitCase"]
    assert [e["code"] for e in payload["errors"]] == ["RATE_LIMITED"]
    assert CaseSubmission.objects.count() == 2


def test_my_case_submissions_are_mine_only_with_status_and_comment(site_root, community, owner, other_owner, editor):
    first = submit(owner, community=community)
    second = submit(owner, title="电梯更换资金分摊争议")
    submit(other_owner, title="别人的案例：停车位争议")
    _reject(second, editor, "请补充分摊方式。")

    items = gql(owner, MINE)["data"]["myCaseSubmissions"]
    assert [(i["id"], i["status"], i["moderatorComment"], i["canEdit"]) for i in items] == [
        (str(second.pk), "CHANGES_REQUESTED", "请补充分摊方式。", True),
        (str(first.pk), "IN_REVIEW", None, False),
    ]
    assert items[1]["community"]["code"] == community.code and items[0]["community"] is None
    assert gql(None, MINE)["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def _approve(submission, editor):
    ArticlePage.objects.get(pk=submission.page_id).current_workflow_task_state.approve(user=editor)


def test_my_case_submissions_read_in_a_fixed_number_of_queries(site_root, community, owner, editor,
                                                               django_assert_num_queries):
    # the list (page, community and workflow state joined or annotated) and, when an article URL is asked
    # for, the request's site once
    _approve(submit(owner, community=community), editor)
    gql(owner, MINE)  # the site's root paths are cached per process after the first URL
    with django_assert_num_queries(2):
        assert len(gql(owner, MINE)["data"]["myCaseSubmissions"]) == 1
    _reject(submit(owner, title="电梯更换资金分摊争议", community=community), editor, "请补充")
    _approve(submit(owner, title="停车位出租收益归属争议"), editor)
    submit(owner, title="绿化带改停车位的争议处理")
    with django_assert_num_queries(2):
        items = gql(owner, MINE)["data"]["myCaseSubmissions"]
    assert [i["status"] for i in items] == ["IN_REVIEW", "PUBLISHED", "CHANGES_REQUESTED", "PUBLISHED"]


def test_one_submission_is_visible_to_its_submitter_editors_and_superusers_only(
        site_root, community, owner, other_owner, editor, superuser):
    submission = submit(owner, community=community)
    for user in (owner, editor, superuser):
        case = gql(user, ONE, {"id": str(submission.pk)})["data"]["caseSubmission"]
        assert case["title"] == GOOD["title"]
        assert case["canWithdraw"] is (user == owner)
    for user, code in ((other_owner, "NOT_FOUND"), (None, "NOT_AUTHENTICATED")):
        result = gql(user, ONE, {"id": str(submission.pk)})
        assert result["data"]["caseSubmission"] is None
        assert result["errors"][0]["extensions"]["code"] == code
    assert gql(owner, ONE, {"id": "999999"})["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_update_case_resubmits_a_sent_back_submission(site_root, community, owner, other_owner, editor):
    submission = submit(owner, community=community)
    _reject(submission, editor, "请补充分摊方式。")
    variables = _variables(community, id=str(submission.pk), kind="CASE", outcome="按面积分摊，已执行。")

    payload = gql(other_owner, UPDATE, variables)["data"]["updateCase"]
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]

    payload = gql(owner, UPDATE, variables)["data"]["updateCase"]
    assert payload["errors"] == []
    case = payload["caseSubmission"]
    assert (case["status"], case["kind"], case["outcome"], case["moderatorComment"]) == (
        "IN_REVIEW", "CASE", "按面积分摊，已执行。", None)

    payload = gql(owner, UPDATE, variables)["data"]["updateCase"]
    assert [e["code"] for e in payload["errors"]] == ["INVALID"]


def test_withdraw_case(site_root, community, owner, other_owner):
    submission = submit(owner, community=community)
    payload = gql(other_owner, WITHDRAW, {"id": str(submission.pk)})["data"]["withdrawCase"]
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    assert CaseSubmission.objects.get(pk=submission.pk).review.status == CaseStatus.IN_REVIEW

    payload = gql(owner, WITHDRAW, {"id": str(submission.pk)})["data"]["withdrawCase"]
    assert payload["errors"] == []
    case = payload["caseSubmission"]
    assert (case["status"], case["statusLabel"], case["canWithdraw"]) == ("WITHDRAWN", "已撤回", False)
    assert case["withdrawnAt"] is not None


def test_a_published_case_gives_its_article_url(site_root, community, owner, editor):
    submission = submit(owner, community=community)
    ArticlePage.objects.get(pk=submission.page_id).current_workflow_task_state.approve(user=editor)
    case = gql(owner, ONE, {"id": str(submission.pk)})["data"]["caseSubmission"]
    page = ArticlePage.objects.get(pk=submission.page_id)
    assert case["status"] == "PUBLISHED"
    assert case["articleUrl"] == f"http://testserver{page.url}"


def test_the_status_enum_carries_chinese_descriptions():
    status = SCHEMA.graphql_schema.get_type("CaseStatus")
    assert {name: value.description for name, value in status.values.items()} == {
        "IN_REVIEW": "审核中", "CHANGES_REQUESTED": "退回修改", "PUBLISHED": "已发布", "WITHDRAWN": "已撤回"}
    kind = SCHEMA.graphql_schema.get_type("CaseKind")
    assert {name: value.description for name, value in kind.values.items()} == {"CASE": "案例", "DISPUTE": "争议处理"}
