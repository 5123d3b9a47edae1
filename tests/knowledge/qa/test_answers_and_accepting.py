"""Answering (answer_post) and accepting (answer_accept): who, lengths, counters, the asker's inbox, one accepted
answer at a time, hidden questions and answers."""

import pytest
from django.contrib.auth.models import AnonymousUser

from governance.errors import ErrorCode
from governance.office.models import Delivery, DeliveryStatus
from knowledge.qa.models import Answer, PostStatus, Question
from knowledge.qa.moderation import post_hide, post_restore
from knowledge.qa.services import answer_accept, answer_post, question_ask
from tests.knowledge.qa.helpers import refused

pytestmark = pytest.mark.django_db

BODY = "先由业委会拟定维修方案，公示七天后组织3栋业主表决。"


@pytest.fixture
def question(qa):
    return question_ask(author=qa.member_a, community=qa.a, title="小区维修基金怎么申请使用？", body="3栋电梯要大修。")


# --- answering ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member_b", "member_a2", "secretary_a", "expert", "superuser"])
def test_committee_members_of_any_community_and_experts_answer(qa, question, who):
    answer = answer_post(question=question, author=getattr(qa, who), body=BODY)
    question.refresh_from_db()
    assert (answer.body, answer.status, question.answer_count) == (BODY, PostStatus.VISIBLE, 1)
    assert question.last_activity_at == answer.created_at


@pytest.mark.parametrize("who", ["former_a", "editor", "owner", "rc_staff_a"])
def test_others_may_not_answer_and_nothing_changes(qa, question, who):
    refused(ErrorCode.PERMISSION_DENIED, answer_post, question=question, author=getattr(qa, who), body=BODY)
    question.refresh_from_db()
    assert question.answer_count == 0 and not Answer.objects.exists()


def test_anonymous_must_sign_in_to_answer(qa, question):
    refused(ErrorCode.NOT_AUTHENTICATED, answer_post, question=question, author=AnonymousUser(), body=BODY)


@pytest.mark.parametrize(("body", "ok"), [("好", False), ("  好  ", False), ("好的", True), ("字" * 5000, True),
                                          ("字" * 5001, False), ("", False)])
def test_an_answer_is_2_to_5000_characters_after_trimming(qa, question, body, ok):
    if ok:
        assert answer_post(question=question, author=qa.member_b, body=body).body == body.strip()
    else:
        error = refused(ErrorCode.INVALID, answer_post, question=question, author=qa.member_b, body=body, field="body")
        assert "回答内容须为 2–5000 个字" in error.message
        question.refresh_from_db()
        assert question.answer_count == 0 and not Answer.objects.exists()


def test_answering_a_hidden_question_is_not_found_even_for_its_author(qa, question):
    Question.objects.filter(pk=question.pk).update(status=PostStatus.HIDDEN)
    for who in (qa.member_b, qa.member_a, qa.superuser):
        refused(ErrorCode.NOT_FOUND, answer_post, question=question, author=who, body=BODY)
    assert not Answer.objects.exists()


def test_the_asker_is_told_of_a_new_answer_in_the_inbox(qa, question, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = answer_post(question=question, author=qa.member_b, body=BODY)
    delivery = Delivery.objects.get()
    assert (delivery.recipient, delivery.channel, delivery.status) == (qa.member_a, "insite", DeliveryStatus.SENT)
    message = delivery.message
    assert message.title == "您的问题有了新回答"
    assert message.body == f"周主任 回答了您的问题“小区维修基金怎么申请使用？”：{BODY}"
    assert message.link == f"/qa/{question.pk}/#answer-{answer.pk}"
    assert (message.community, message.kind, message.created_by) == (qa.a, "system", None)


def test_answering_ones_own_question_tells_nobody(qa, question, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer_post(question=question, author=qa.member_a, body="补充：电梯是2009年装的。")
    assert callbacks == [] and not Delivery.objects.exists()


# --- accepting --------------------------------------------------------------------------------------------


@pytest.fixture
def answers(qa, question):
    return (answer_post(question=question, author=qa.member_b, body=BODY),
            answer_post(question=question, author=qa.expert, body="可以先问问能否走应急维修程序。"))


def test_the_asker_accepts_switches_and_unaccepts(qa, question, answers):
    first, second = answers
    assert answer_accept(answer=first, actor=qa.member_a).accepted_answer == first
    question.refresh_from_db()
    assert (question.accepted_answer, question.solved, question.shown_accepted_answer_id) == (first, True, first.pk)
    answer_accept(answer=second, actor=qa.member_a)  # switching: still one accepted answer
    question.refresh_from_db()
    assert (question.accepted_answer, question.solved) == (second, True)
    answer_accept(answer=first, actor=qa.member_a, accept=False)  # not the accepted one: nothing changes
    question.refresh_from_db()
    assert question.accepted_answer == second
    answer_accept(answer=second, actor=qa.member_a, accept=False)
    question.refresh_from_db()
    assert (question.accepted_answer, question.solved) == (None, False)


def test_a_moderator_may_not_accept_or_unaccept_for_the_asker_and_nothing_changes(qa, question, answers):
    error = refused(ErrorCode.PERMISSION_DENIED, answer_accept, answer=answers[0], actor=qa.editor)
    assert error.message == "只有提问人可以采纳回答。"
    question.refresh_from_db()
    assert (question.accepted_answer, question.solved) == (None, False)
    answer_accept(answer=answers[1], actor=qa.member_a)
    refused(ErrorCode.PERMISSION_DENIED, answer_accept, answer=answers[1], actor=qa.editor, accept=False)
    question.refresh_from_db()
    assert (question.accepted_answer, question.solved) == (answers[1], True)


@pytest.mark.parametrize("who", ["member_a2", "secretary_a", "member_b", "expert", "owner", "editor", "superuser"])
def test_nobody_else_may_accept_and_nothing_changes(qa, question, answers, who):
    refused(ErrorCode.PERMISSION_DENIED, answer_accept, answer=answers[0], actor=getattr(qa, who))
    question.refresh_from_db()
    assert (question.accepted_answer, question.solved) == (None, False)


def test_a_hidden_answer_cannot_be_accepted(qa, question, answers):
    Answer.objects.filter(pk=answers[0].pk).update(status=PostStatus.HIDDEN)
    refused(ErrorCode.INVALID, answer_accept, answer=answers[0], actor=qa.member_a, field="answer")
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_accepting_on_a_hidden_question_is_not_found(qa, question, answers):
    answer_accept(answer=answers[0], actor=qa.member_a)
    Question.objects.filter(pk=question.pk).update(status=PostStatus.HIDDEN)
    refused(ErrorCode.NOT_FOUND, answer_accept, answer=answers[1], actor=qa.member_a)
    refused(ErrorCode.NOT_FOUND, answer_accept, answer=answers[0], actor=qa.member_a, accept=False)
    question.refresh_from_db()
    assert question.accepted_answer == answers[0]


def test_when_the_accepted_answer_is_hidden_the_question_no_longer_shows_it_accepted(qa, question, answers):
    first, _second = answers
    answer_accept(answer=first, actor=qa.member_a)
    post_hide(post=first, actor=qa.editor, reason="含有业主电话号码")
    question.refresh_from_db()
    assert (question.solved, question.shown_accepted_answer_id, question.answer_count) == (False, None, 1)
    assert question in Question.objects.filter(solved=False)  # listed as 待解决
    post_restore(post=first, actor=qa.editor)  # shown again: accepted again
    question.refresh_from_db()
    assert (question.solved, question.shown_accepted_answer_id, question.answer_count) == (True, first.pk, 2)


def test_hiding_an_answer_that_is_not_accepted_keeps_the_question_solved(qa, question, answers):
    first, second = answers
    answer_accept(answer=first, actor=qa.member_a)
    post_hide(post=second, actor=qa.editor, reason="广告")
    question.refresh_from_db()
    assert (question.solved, question.shown_accepted_answer_id, question.answer_count) == (True, first.pk, 1)
