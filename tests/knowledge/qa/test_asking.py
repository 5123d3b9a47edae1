"""Asking (question_ask): who may ask from which community, the length rules, the daily limit."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from governance.errors import ErrorCode
from knowledge.qa.models import PostStatus, Question
from knowledge.qa.services import question_ask
from tests.knowledge.qa.helpers import refused

pytestmark = pytest.mark.django_db

TITLE = "小区维修基金怎么申请使用？"


def test_a_committee_member_asks_from_her_community(qa):
    question = question_ask(author=qa.member_a, community=qa.a, title=f"  {TITLE}  ", body="  3栋电梯要大修。  ")
    question.refresh_from_db()
    assert (question.title, question.body, question.community, question.author) == (
        TITLE, "3栋电梯要大修。", qa.a, qa.member_a)
    assert (question.status, question.answer_count, question.solved, question.accepted_answer) == (
        PostStatus.VISIBLE, 0, False, None)
    assert question.last_activity_at == question.created_at


def test_the_secretary_may_ask_too(qa):
    assert question_ask(author=qa.secretary_a, community=qa.a, title=TITLE).community == qa.a


@pytest.mark.parametrize("who", ["member_b", "former_a", "expert", "editor", "owner", "rc_staff_a"])
def test_others_may_not_ask_from_community_a_and_nothing_is_written(qa, who):
    refused(ErrorCode.PERMISSION_DENIED, question_ask, author=getattr(qa, who), community=qa.a, title=TITLE,
            field="community")
    assert not Question.objects.exists()


def test_a_member_of_a_may_not_ask_as_community_b(qa):
    refused(ErrorCode.PERMISSION_DENIED, question_ask, author=qa.member_a, community=qa.b, title=TITLE)
    assert not Question.objects.exists()


def test_anonymous_must_sign_in(qa):
    refused(ErrorCode.NOT_AUTHENTICATED, question_ask, author=AnonymousUser(), community=qa.a, title=TITLE)
    assert not Question.objects.exists()


@pytest.mark.parametrize(("title", "ok"), [
    ("一二三四", False), ("  一二三四  ", False), ("一二三四五", True), ("   一二三四五   ", True),
    ("问" * 120, True), ("问" * 121, False), ("", False), ("     ", False),
])
def test_the_title_is_5_to_120_characters_after_trimming(qa, title, ok):
    if ok:
        assert question_ask(author=qa.member_a, community=qa.a, title=title).title == title.strip()
    else:
        error = refused(ErrorCode.INVALID, question_ask, author=qa.member_a, community=qa.a, title=title,
                        field="title")
        assert "标题须为 5–120 个字" in error.message
        assert not Question.objects.exists()


def test_the_body_is_at_most_5000_characters(qa):
    assert len(question_ask(author=qa.member_a, community=qa.a, title=TITLE, body="字" * 5000).body) == 5000
    error = refused(ErrorCode.INVALID, question_ask, author=qa.member_a, community=qa.a, title=TITLE + "二",
                    body="字" * 5001, field="body")
    assert "不能超过 5000 个字" in error.message
    assert Question.objects.count() == 1


def test_at_most_the_daily_limit_of_questions_per_24_hours(qa, settings):
    settings.QA_MAX_QUESTIONS_PER_DAY = 3
    for n in range(3):
        question_ask(author=qa.member_a, community=qa.a, title=f"{TITLE}（{n}）")
    error = refused(ErrorCode.RATE_LIMITED, question_ask, author=qa.member_a, community=qa.a, title=TITLE)
    assert "24 小时内最多提问 3 次" in error.message
    assert Question.objects.count() == 3
    # another member is not limited by her colleague's questions
    question_ask(author=qa.member_a2, community=qa.a, title=TITLE)
    # a question older than 24 hours no longer counts
    oldest = Question.objects.filter(author=qa.member_a).order_by("pk").first()
    Question.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    question_ask(author=qa.member_a, community=qa.a, title=TITLE)
    assert Question.objects.filter(author=qa.member_a).count() == 4


def test_hidden_questions_still_count_towards_the_limit(qa, settings):
    settings.QA_MAX_QUESTIONS_PER_DAY = 1
    question = question_ask(author=qa.member_a, community=qa.a, title=TITLE)
    Question.objects.filter(pk=question.pk).update(status=PostStatus.HIDDEN)
    refused(ErrorCode.RATE_LIMITED, question_ask, author=qa.member_a, community=qa.a, title=TITLE)


def test_the_limit_defaults_to_ten(qa, settings):
    if hasattr(settings, "QA_MAX_QUESTIONS_PER_DAY"):
        del settings.QA_MAX_QUESTIONS_PER_DAY
    for n in range(10):
        question_ask(author=qa.member_a, community=qa.a, title=f"{TITLE}（{n}）")
    refused(ErrorCode.RATE_LIMITED, question_ask, author=qa.member_a, community=qa.a, title=TITLE)
