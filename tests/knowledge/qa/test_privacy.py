"""No personal numbers in 业委会问答: a question's title and body and an answer's body holding a mobile or an ID
number are refused with the field named, by the service, the portal forms and the GraphQL mutations alike."""

import pytest

from governance.errors import ErrorCode
from knowledge.qa.models import Answer, Question
from knowledge.qa.services import answer_post, question_ask
from tests.knowledge.qa.helpers import refused
from tests.knowledge.qa.test_graphql import ANSWER, ASK, gql

pytestmark = pytest.mark.django_db

TITLE = "小区维修基金怎么申请使用？"


@pytest.fixture
def question(qa):
    return question_ask(author=qa.member_a, community=qa.a, title=TITLE, body="3栋电梯要大修。")


@pytest.mark.parametrize(("title", "body", "field", "label"), [
    ("维修基金请联系 138 0013 8000", "", "title", "标题"),
    (TITLE, "我的电话 +86 13800138000，欢迎来电", "body", "问题说明"),
    (TITLE, "身份证 110101 19900307 123X 的业主", "body", "问题说明"),
])
def test_a_question_with_a_number_is_refused_and_nothing_is_written(qa, title, body, field, label):
    error = refused(ErrorCode.INVALID, question_ask, author=qa.member_a, community=qa.a, title=title, body=body,
                    field=field)
    assert error.message == f"请删除手机号、身份证号等个人信息：{label}"
    assert not Question.objects.exists()


def test_an_answer_with_a_number_is_refused_and_nothing_is_written(qa, question):
    error = refused(ErrorCode.INVALID, answer_post, question=question, author=qa.expert,
                    body="详情请加我微信或拨打 １３９１２３４５６７８ 咨询。", field="body")
    assert error.message == "请删除手机号、身份证号等个人信息：回答内容"
    question.refresh_from_db()
    assert (Answer.objects.count(), question.answer_count) == (0, 0)


def test_the_ask_page_shows_the_refusal_at_the_field(as_user, qa):
    response = as_user(qa.member_a).post("/qa/ask/", {"community": qa.a.pk, "title": TITLE,
                                                      "body": "有事打 13800138000"})
    assert response.status_code == 400
    assert 'data-testid="error-body">请删除手机号、身份证号等个人信息：问题说明<' in response.content.decode()
    assert not Question.objects.exists()


def test_the_answer_form_shows_the_refusal_at_the_field(as_user, qa, question):
    response = as_user(qa.expert).post(f"/qa/{question.pk}/answer/", {"body": "我的身份证号 370102199001011234"})
    assert response.status_code == 400
    assert 'data-testid="error-body">请删除手机号、身份证号等个人信息：回答内容<' in response.content.decode()
    assert not Answer.objects.exists()


def test_the_mutations_answer_with_the_refusal(qa, question):
    asked = gql(qa.member_a, ASK, {"title": "找物业请拨 0086-138-0013-8000"})["data"]["askQuestion"]
    assert asked == {"question": None, "errors": [
        {"code": "INVALID", "message": "请删除手机号、身份证号等个人信息：标题", "field": "title"}]}
    answered = gql(qa.expert, ANSWER, {"id": str(question.pk), "body": "电话 13800138000"})["data"]["answerQuestion"]
    assert answered["errors"] == [
        {"code": "INVALID", "message": "请删除手机号、身份证号等个人信息：回答内容", "field": "body"}]
    assert (Question.objects.count(), Answer.objects.count()) == (1, 0)
