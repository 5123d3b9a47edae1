"""Every question kind at its edges: the Chinese message names the question, and nothing is written."""

from decimal import Decimal

import pytest

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.surveys import services
from governance.surveys.models import Answer, Response
from governance.surveys.validation import SurveyAnswerInvalid

from .conftest import good_answers, publish, qs

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    return publish(world)


def _refused(survey, user, answers) -> SurveyAnswerInvalid:
    before = AuditEvent.objects.count()
    with pytest.raises(SurveyAnswerInvalid) as caught:
        services.survey_answer(survey=survey, user=user, answers=answers)
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert AuditEvent.objects.count() == before
    assert caught.value.code == ErrorCode.INVALID
    return caught.value


def _with(survey, number, value):
    questions, _ = qs(survey)
    answers = good_answers(survey)
    answers[questions[number].pk] = value
    return answers, questions[number].pk


def test_a_complete_valid_answer_is_stored_exactly(world, survey):
    response = services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))
    questions, options = qs(survey)
    stored = {a.question.order: a for a in response.answers.select_related("question").prefetch_related("options")}
    assert [o.text for o in stored[1].options.all()] == ["满意"]
    assert sorted(o.text for o in stored[2].options.all()) == ["保洁", "停车"]
    assert stored[3].number == Decimal("4")
    assert stored[4].number == Decimal("2.00")
    assert stored[5].text == "希望增加充电桩"
    assert response.unit is None and response.per == "person"


# --- single choice -------------------------------------------------------------------------------------

def test_single_required_missing(world, survey):
    answers, qid = _with(survey, 1, None)
    assert _refused(survey, world.owner, answers).errors == {qid: "第1题：此题为必答题，请选择一项"}


def test_single_two_options_refused(world, survey):
    _, options = qs(survey)
    answers, qid = _with(survey, 1, [options[1]["满意"], options[1]["一般"]])
    assert _refused(survey, world.owner, answers).errors == {qid: "第1题：只能选择一项"}


def test_single_option_of_another_question_refused(world, survey):
    _, options = qs(survey)
    answers, qid = _with(survey, 1, options[2]["保洁"])
    assert _refused(survey, world.owner, answers).errors == {qid: "第1题：所选选项不属于本题"}


def test_single_as_list_of_one_and_as_string_id_are_accepted(world, survey):
    _, options = qs(survey)
    answers, _ = _with(survey, 1, [str(options[1]["一般"])])
    response = services.survey_answer(survey=survey, user=world.owner, answers=answers)
    assert [o.text for a in response.answers.filter(question__order=1) for o in a.options.all()] == ["一般"]


# --- multiple choice ---------------------------------------------------------------------------------

def test_multiple_must_be_a_list(world, survey):
    _, options = qs(survey)
    answers, qid = _with(survey, 2, options[2]["保洁"])
    assert _refused(survey, world.owner, answers).errors == {qid: "第2题：多选题请提交所选选项的列表"}


def test_multiple_required_empty_list(world, survey):
    answers, qid = _with(survey, 2, [])
    assert _refused(survey, world.owner, answers).errors == {qid: "第2题：此题为必答题，请至少选择一项"}


def test_multiple_foreign_option_refused(world, survey):
    _, options = qs(survey)
    answers, qid = _with(survey, 2, [options[2]["保洁"], options[1]["满意"]])
    assert _refused(survey, world.owner, answers).errors == {qid: "第2题：所选选项不属于本题"}


def test_multiple_duplicate_option_refused(world, survey):
    _, options = qs(survey)
    answers, qid = _with(survey, 2, [options[2]["保洁"], options[2]["保洁"]])
    assert _refused(survey, world.owner, answers).errors == {qid: "第2题：同一选项不能重复选择"}


def test_multiple_all_four_options_accepted(world, survey):
    _, options = qs(survey)
    answers, _ = _with(survey, 2, list(options[2].values()))
    response = services.survey_answer(survey=survey, user=world.owner, answers=answers)
    assert response.answers.get(question__order=2).options.count() == 4


# --- rating 1–5 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 6, "0", "6", "3.5", Decimal("4.5"), -1, "abc", True])
def test_rating_outside_1_to_5_or_not_whole(world, survey, value):
    answers, qid = _with(survey, 3, value)
    assert _refused(survey, world.owner, answers).errors == {qid: "第3题：请选择1到5分"}


@pytest.mark.parametrize("value,stored", [(1, 1), (5, 5), ("5", 5), (Decimal("3.0"), 3)])
def test_rating_edges_accepted(world, survey, value, stored):
    answers, _ = _with(survey, 3, value)
    response = services.survey_answer(survey=survey, user=world.owner, answers=answers)
    assert response.answers.get(question__order=3).number == Decimal(stored)


def test_rating_required_missing(world, survey):
    answers, qid = _with(survey, 3, "")
    assert _refused(survey, world.owner, answers).errors == {qid: "第3题：此题为必答题，请选择1到5分"}


# --- number with bounds 0..10 ----------------------------------------------------------------------------

@pytest.mark.parametrize("value,message", [
    ("-1", "第4题：请填写0到10之间的数字"),
    ("10.01", "第4题：请填写0到10之间的数字"),
    ("-0.01", "第4题：请填写0到10之间的数字"),
    ("abc", "第4题：请填写有效的数字"),
    ("NaN", "第4题：请填写有效的数字"),
    ("Infinity", "第4题：请填写有效的数字"),
    ("1.234", "第4题：最多保留两位小数"),
    ([1], "第4题：请填写有效的数字"),
])
def test_number_out_of_bounds_or_not_a_number(world, survey, value, message):
    answers, qid = _with(survey, 4, value)
    assert _refused(survey, world.owner, answers).errors == {qid: message}


@pytest.mark.parametrize("value,stored", [("0", "0.00"), ("10", "10.00"), ("10.00", "10.00"), (3, "3.00"),
                                          ("2.5", "2.50"), (Decimal("9.99"), "9.99")])
def test_number_edges_accepted(world, survey, value, stored):
    answers, _ = _with(survey, 4, value)
    response = services.survey_answer(survey=survey, user=world.owner, answers=answers)
    assert response.answers.get(question__order=4).number == Decimal(stored)


def test_number_with_only_a_minimum_and_only_a_maximum(world):
    survey = publish(world, questions=[
        {"kind": "number", "text": "面积", "min_value": "1.5"},
        {"kind": "number", "text": "预算", "max_value": "100"},
        {"kind": "number", "text": "任意"},
    ])
    questions, _ = qs(survey)
    with pytest.raises(SurveyAnswerInvalid) as caught:
        services.survey_answer(survey=survey, user=world.owner,
                               answers={questions[1].pk: "1.49", questions[2].pk: "100.01", questions[3].pk: "-5"})
    assert caught.value.errors == {questions[1].pk: "第1题：不能小于1.5", questions[2].pk: "第2题：不能大于100"}
    assert caught.value.message == "第1题：不能小于1.5；第2题：不能大于100"
    services.survey_answer(survey=survey, user=world.owner,
                           answers={questions[1].pk: "1.5", questions[2].pk: "100", questions[3].pk: "-5"})


def test_number_too_large(world):
    survey = publish(world, questions=[{"kind": "number", "text": "任意"}])
    questions, _ = qs(survey)
    with pytest.raises(SurveyAnswerInvalid) as caught:
        services.survey_answer(survey=survey, user=world.owner, answers={questions[1].pk: "1e12"})
    assert caught.value.errors == {questions[1].pk: "第1题：数字过大"}


# --- text --------------------------------------------------------------------------------------------------

def test_optional_text_may_be_skipped_and_no_answer_row_is_written(world, survey):
    questions, _ = qs(survey)
    answers = good_answers(survey)
    del answers[questions[5].pk]
    response = services.survey_answer(survey=survey, user=world.owner, answers=answers)
    assert not response.answers.filter(question__order=5).exists()
    assert response.answers.count() == 4


def test_required_text_blank_is_refused(world):
    survey = publish(world, questions=[{"kind": "text", "text": "您的建议", "required": True}])
    questions, _ = qs(survey)
    with pytest.raises(SurveyAnswerInvalid) as caught:
        services.survey_answer(survey=survey, user=world.owner, answers={questions[1].pk: "   "})
    assert caught.value.errors == {questions[1].pk: "第1题：此题为必答题，请填写内容"}


def test_text_length_edge(world, survey):
    answers, _ = _with(survey, 5, "字" * 2000)
    services.survey_answer(survey=survey, user=world.owner, answers=answers)
    answers, qid = _with(survey, 5, "字" * 2001)
    assert _refused_other(survey, world.owner2, answers).errors == {qid: "第5题：内容不能超过2000字"}


def _refused_other(survey, user, answers):
    with pytest.raises(SurveyAnswerInvalid) as caught:
        services.survey_answer(survey=survey, user=user, answers=answers)
    return caught.value


def test_text_must_be_a_string(world, survey):
    answers, qid = _with(survey, 5, 123)
    assert _refused(survey, world.owner, answers).errors == {qid: "第5题：请填写文字"}


# --- the whole questionnaire -----------------------------------------------------------------------------

def test_every_wrong_question_is_reported_at_once_in_question_order(world, survey):
    questions, options = qs(survey)
    error = _refused(survey, world.owner, {questions[3].pk: 9, questions[2].pk: options[2]["保洁"]})
    assert list(error.errors.values()) == [
        "第1题：此题为必答题，请选择一项",
        "第2题：多选题请提交所选选项的列表",
        "第3题：请选择1到5分",
        "第4题：此题为必答题，请填写数字",
    ]
    assert error.field == f"answers.{questions[1].pk}"


def test_an_answer_to_a_question_of_another_survey_is_refused(world, survey):
    other = publish(world, title="另一份问卷")
    other_q, _ = qs(other)
    answers = good_answers(survey)
    answers[other_q[1].pk] = 1
    with pytest.raises(DomainError) as caught:
        services.survey_answer(survey=survey, user=world.owner, answers=answers)
    assert caught.value.code == ErrorCode.INVALID and caught.value.message == "答卷包含不属于本问卷的题目。"
    assert not Response.objects.exists()


@pytest.mark.parametrize("text", ["有问题请打 13812345678", "本人身份证 370102 19900101 123X"])
def test_a_text_answer_with_a_phone_or_id_number_is_refused_naming_the_question(world, survey, text):
    answers, qid = _with(survey, 5, text)
    assert _refused(survey, world.owner, answers).errors == {qid: "请删除手机号、身份证号等个人信息：第5题"}
