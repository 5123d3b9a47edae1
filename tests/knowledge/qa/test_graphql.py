"""GraphQL of 业委会问答 through the project's /graphql/ view: `questions` (search, solved, mine, paging, total
count; query count pinned), `question`, `askQuestion`, `answerQuestion`, `acceptAnswer`, `reportPost`."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from knowledge.qa.models import Question, Report
from knowledge.qa.moderation import post_hide
from knowledge.qa.services import answer_accept, answer_post, question_ask
from portal.api import schema
from portal.graphql_view import PortalGraphQLView
from tests.knowledge.qa.factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db

VIEW = PortalGraphQLView.as_view(schema=schema)
FUND = "小区维修基金怎么申请使用？"
FEE = "物业费要涨到2.2元，业委会怎么应对？"


def gql(user, query, variables=None):
    request = RequestFactory().post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                                    content_type="application/json")
    request.user = user or AnonymousUser()
    request._dont_enforce_csrf_checks = True
    response = VIEW(request)
    assert response.status_code == 200, response.content.decode()
    return json.loads(response.content)


QUESTIONS = """
query ($query: String, $solved: Boolean, $mine: Boolean, $limit: Int, $offset: Int) {
  questions(query: $query, solved: $solved, mine: $mine, limit: $limit, offset: $offset) {
    totalCount
    items { id title body url status solved acceptedAnswerId answerCount isMine canAnswer canAccept
            community { code name } author { name }
            answers { id body accepted isMine status author { name } } }
  }
}
"""

QUESTION = "query ($id: ID!) { question(id: $id) { id title status hiddenReason answers { id status hiddenReason } } }"


@pytest.fixture
def board(qa):
    fund = question_ask(author=qa.member_a, community=qa.a, title=FUND, body="3栋电梯要大修。")
    fee = question_ask(author=qa.member_b, community=qa.b, title=FEE)
    first = answer_post(question=fund, author=qa.member_b, body="先出维修方案，公示七天后组织表决。")
    second = answer_post(question=fund, author=qa.expert, body="可以问问能否走应急维修程序。")
    answer_accept(answer=second, actor=qa.member_a)
    return {"fund": fund, "fee": fee, "first": first, "second": second}


def test_anyone_lists_questions_with_answers_accepted_first(qa, board):
    data = gql(None, QUESTIONS)["data"]["questions"]
    assert data["totalCount"] == 2
    fund = data["items"][0]
    assert (fund["title"], fund["url"], fund["status"], fund["solved"], fund["answerCount"]) == (
        FUND, f"/qa/{board['fund'].pk}/", "VISIBLE", True, 2)
    assert fund["community"] == {"code": "xingfu", "name": "幸福家园"} and fund["author"] == {"name": "陈委员"}
    assert fund["acceptedAnswerId"] == str(board["second"].pk)
    assert [(a["id"], a["accepted"], a["author"]["name"]) for a in fund["answers"]] == [
        (str(board["second"].pk), True, "王律师"), (str(board["first"].pk), False, "周主任")]
    assert (fund["isMine"], fund["canAnswer"], fund["canAccept"]) == (False, False, False)


def test_the_viewer_fields_follow_the_rules(qa, board):
    items = {item["title"]: item for item in gql(qa.member_a, QUESTIONS)["data"]["questions"]["items"]}
    assert (items[FUND]["isMine"], items[FUND]["canAnswer"], items[FUND]["canAccept"]) == (True, True, True)
    assert (items[FEE]["isMine"], items[FEE]["canAnswer"], items[FEE]["canAccept"]) == (False, True, False)
    editor = {item["title"]: item for item in gql(qa.editor, QUESTIONS)["data"]["questions"]["items"]}
    assert (editor[FEE]["canAnswer"], editor[FEE]["canAccept"]) == (False, False)


def test_search_solved_and_paging(qa, board):
    found = gql(None, QUESTIONS, {"query": "维修基金"})["data"]["questions"]
    assert (found["totalCount"], [q["title"] for q in found["items"]]) == (1, [FUND])
    in_answer = gql(None, QUESTIONS, {"query": "应急维修"})["data"]["questions"]
    assert [q["title"] for q in in_answer["items"]] == [FUND]
    assert [q["title"] for q in gql(None, QUESTIONS, {"solved": False})["data"]["questions"]["items"]] == [FEE]
    assert [q["title"] for q in gql(None, QUESTIONS, {"solved": True})["data"]["questions"]["items"]] == [FUND]
    page = gql(None, QUESTIONS, {"limit": 1, "offset": 1})["data"]["questions"]
    assert (page["totalCount"], [q["title"] for q in page["items"]]) == (2, [FEE])


def test_limit_and_offset_are_checked(qa, board):
    for variables, field in (({"limit": 0}, "limit"), ({"limit": 51}, "limit"), ({"offset": -1}, "offset")):
        errors = gql(None, QUESTIONS, variables)["errors"]
        assert errors[0]["extensions"]["code"] == "INVALID", errors
    assert len(gql(None, QUESTIONS, {"limit": 50})["data"]["questions"]["items"]) == 2


def test_mine_lists_my_questions_hidden_ones_too_and_needs_a_sign_in(qa, board):
    post_hide(post=board["fee"], actor=qa.editor, reason="重复提问")
    mine = gql(qa.member_b, QUESTIONS, {"mine": True})["data"]["questions"]
    assert [(q["title"], q["status"]) for q in mine["items"]] == [(FEE, "HIDDEN")]
    assert [q["title"] for q in gql(None, QUESTIONS)["data"]["questions"]["items"]] == [FUND]
    assert gql(None, QUESTIONS, {"mine": True})["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def test_a_hidden_question_is_null_except_for_its_author_and_moderators(qa, board):
    post_hide(post=board["fee"], actor=qa.editor, reason="含有业主个人信息")
    variables = {"id": str(board["fee"].pk)}
    assert gql(None, QUESTION, variables)["data"]["question"] is None
    assert gql(qa.member_a, QUESTION, variables)["data"]["question"] is None
    own = gql(qa.member_b, QUESTION, variables)["data"]["question"]
    assert (own["status"], own["hiddenReason"]) == ("HIDDEN", "含有业主个人信息")
    assert gql(qa.editor, QUESTION, variables)["data"]["question"]["status"] == "HIDDEN"
    assert gql(None, QUESTION, {"id": "abc"})["data"]["question"] is None


def test_hidden_answers_are_left_out_except_for_their_author(qa, board):
    post_hide(post=board["first"], actor=qa.editor, reason="广告")
    variables = {"id": str(board["fund"].pk)}
    assert [a["id"] for a in gql(None, QUESTION, variables)["data"]["question"]["answers"]] == [str(board["second"].pk)]
    own = gql(qa.member_b, QUESTION, variables)["data"]["question"]["answers"]
    assert [(a["id"], a["status"], a["hiddenReason"]) for a in own] == [
        (str(board["second"].pk), "VISIBLE", ""), (str(board["first"].pk), "HIDDEN", "广告")]


# --- query counts ------------------------------------------------------------------------------------------------

ANSWER_AUTHORS = "{ questions(limit: 50) { totalCount items { id title answers { id author { name } } } } }"


def count_queries(user, query):
    with CaptureQueriesContext(connection) as captured:
        data = gql(user, query)
    assert "errors" not in data, data
    return len(captured), data


@pytest.mark.parametrize("who", [None, "member_a"])
def test_questions_with_answer_authors_take_the_same_queries_for_1_and_20_questions(qa, who):
    user = getattr(qa, who) if who else None
    first = QuestionFactory(author=qa.member_a, community=qa.a)
    AnswerFactory.create_batch(3, question=first, author=qa.expert)
    one, data = count_queries(user, ANSWER_AUTHORS)
    assert data["data"]["questions"]["totalCount"] == 1
    for n in range(19):
        question = QuestionFactory(author=qa.member_b, community=qa.b)
        AnswerFactory(question=question, author=qa.member_a2)
        AnswerFactory(question=question, author=qa.member_b)
    twenty, data = count_queries(user, ANSWER_AUTHORS)
    assert data["data"]["questions"]["totalCount"] == 20
    assert sum(len(q["answers"]) for q in data["data"]["questions"]["items"]) == 3 + 19 * 2
    # page, answers with their authors, total count (+ the viewer's roles once when signed in)
    expected = 3 if user is None else 4
    assert (one, twenty) == (expected, expected)


# --- mutations -------------------------------------------------------------------------------------------------

ASK = """
mutation ($title: String!, $body: String, $code: String) {
  askQuestion(title: $title, body: $body, communityCode: $code) {
    question { id title community { code } answers { id } } errors { code message field }
  }
}
"""
ANSWER = """
mutation ($id: ID!, $body: String!) {
  answerQuestion(questionId: $id, body: $body) {
    answer { id body isMine accepted } question { answerCount } errors { code message field }
  }
}
"""
ACCEPT = """
mutation ($id: ID!, $accept: Boolean) {
  acceptAnswer(answerId: $id, accept: $accept) { question { solved acceptedAnswerId } errors { code field } }
}
"""
REPORT = """
mutation ($q: ID, $a: ID, $reason: QAReportReason!, $note: String) {
  reportPost(questionId: $q, answerId: $a, reason: $reason, note: $note) { reportId errors { code message field } }
}
"""


def test_ask_question(qa):
    result = gql(qa.member_a, ASK, {"title": FUND, "body": "电梯大修"})["data"]["askQuestion"]
    assert result["errors"] == [] and result["question"]["community"] == {"code": "xingfu"}
    assert Question.objects.get().title == FUND


def test_ask_question_errors(qa):
    def errors(user, **variables):
        return gql(user, ASK, {"title": FUND, **variables})["data"]["askQuestion"]["errors"]

    assert errors(None) == [{"code": "NOT_AUTHENTICATED", "message": "请先登录。", "field": None}]
    assert errors(qa.expert)[0]["code"] == "PERMISSION_DENIED"
    assert errors(qa.member_a, code="hepan")[0] == {
        "code": "PERMISSION_DENIED", "message": "只有该小区在任的业委会委员或执行秘书可以在问答中提问。",
        "field": "communityCode"}
    assert errors(qa.member_a, code="nowhere")[0]["code"] == "NOT_FOUND"
    assert errors(qa.member_a, title="电梯")[0] == {
        "code": "INVALID", "message": "标题须为 5–120 个字（现在 2 个字）。", "field": "title"}
    assert not Question.objects.exists()


def test_answer_accept_and_report(qa, board, settings):
    settings.QA_AUTO_HIDE_REPORTS = 5
    result = gql(qa.member_a2, ANSWER, {"id": str(board["fee"].pk), "body": "先要物业提供收支明细。"})
    answered = result["data"]["answerQuestion"]
    assert answered["errors"] == [] and answered["question"] == {"answerCount": 1}
    assert (answered["answer"]["isMine"], answered["answer"]["accepted"]) == (True, False)
    answer_id = answered["answer"]["id"]

    refused = gql(qa.member_a, ACCEPT, {"id": answer_id})["data"]["acceptAnswer"]
    assert refused == {"question": None, "errors": [{"code": "PERMISSION_DENIED", "field": None}]}
    accepted = gql(qa.member_b, ACCEPT, {"id": answer_id})["data"]["acceptAnswer"]
    assert accepted == {"question": {"solved": True, "acceptedAnswerId": answer_id}, "errors": []}
    unaccepted = gql(qa.member_b, ACCEPT, {"id": answer_id, "accept": False})["data"]["acceptAnswer"]
    assert unaccepted["question"] == {"solved": False, "acceptedAnswerId": None}

    reported = gql(qa.owner, REPORT, {"a": answer_id, "reason": "AD", "note": "广告"})["data"]["reportPost"]
    assert reported["errors"] == [] and Report.objects.get(pk=reported["reportId"]).reason == "ad"
    again = gql(qa.owner, REPORT, {"a": answer_id, "reason": "ABUSE"})["data"]["reportPost"]
    assert again["errors"][0]["code"] == "DUPLICATE" and Report.objects.count() == 1
    own = gql(qa.member_a2, REPORT, {"a": answer_id, "reason": "OTHER"})["data"]["reportPost"]
    assert own["errors"][0]["code"] == "INVALID"
    both = gql(qa.owner, REPORT, {"q": str(board["fee"].pk), "a": answer_id, "reason": "OTHER"})["data"]["reportPost"]
    assert both["errors"][0] == {"code": "INVALID", "message": "请指定要举报的问题或回答（只能选一个）。",
                                 "field": "questionId"}


def test_answering_errors(qa, board):
    def errors(user, question_id, body="先要物业提供收支明细。"):
        return gql(user, ANSWER, {"id": question_id, "body": body})["data"]["answerQuestion"]["errors"]

    assert errors(qa.owner, str(board["fee"].pk))[0]["code"] == "PERMISSION_DENIED"
    assert errors(qa.member_a, str(board["fee"].pk), body="好")[0]["field"] == "body"
    assert errors(qa.member_a, "999999")[0] == {"code": "NOT_FOUND", "message": "问题不存在或已被隐藏。",
                                                "field": "questionId"}
    post_hide(post=board["fee"], actor=qa.editor, reason="重复提问")
    assert errors(qa.member_a, str(board["fee"].pk))[0]["code"] == "NOT_FOUND"
    assert errors(qa.member_b, str(board["fee"].pk))[0]["code"] == "NOT_FOUND"  # its author: still not answerable
    assert board["fee"].answers.count() == 0


def test_an_editor_cannot_accept_or_unaccept_on_someone_elses_question(qa, board):
    for variables in ({"id": str(board["first"].pk)}, {"id": str(board["second"].pk), "accept": False}):
        payload = gql(qa.editor, ACCEPT, variables)["data"]["acceptAnswer"]
        assert payload == {"question": None, "errors": [{"code": "PERMISSION_DENIED", "field": None}]}
    board["fund"].refresh_from_db()
    assert (board["fund"].accepted_answer, board["fund"].solved) == (board["second"], True)
    viewer = gql(qa.editor, QUESTIONS, {"query": "维修基金"})["data"]["questions"]["items"][0]
    assert viewer["canAccept"] is False
