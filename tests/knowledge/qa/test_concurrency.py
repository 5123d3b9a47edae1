"""On PostgreSQL: answers, reports, moderation and asks racing each other keep the counters and rules exact."""

import time

import pytest
from wagtail.models import ModelLogEntry

from governance.errors import ErrorCode
from knowledge.qa.models import Answer, PostStatus, Question, Report
from knowledge.qa.moderation import post_hide
from knowledge.qa import moderation, services
from knowledge.qa.services import answer_post, question_ask, report_post
from tests.concurrency import run_threads
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def question(qa):
    return question_ask(author=qa.member_a, community=qa.a, title="小区维修基金怎么申请使用？")


def test_eight_answers_at_once_are_all_counted(qa, question):
    answerers = [UserFactory(phone=f"1360000{i:04d}") for i in range(8)]
    for user in answerers:
        MembershipFactory(user=user, role="committee_member", community=qa.b)
    outcomes = run_threads([lambda user=user: answer_post(question=question, author=user, body="先出方案再表决。")
                            for user in answerers])
    assert all(kind == "ok" for kind, _value in outcomes), outcomes
    question.refresh_from_db()
    assert question.answer_count == 8 == Answer.objects.filter(question=question).count()


def test_hiding_an_answer_while_others_are_posted_keeps_the_count_right(qa, question):
    target = answer_post(question=question, author=qa.member_b, body="加微信代办审批。")
    others = [UserFactory(phone=f"1360001{i:04d}") for i in range(4)]
    for user in others:
        MembershipFactory(user=user, role="expert", community=None)
    calls = [lambda user=user: answer_post(question=question, author=user, body="可以走应急维修程序。") for user in others]
    calls.append(lambda: post_hide(post=target, actor=qa.editor, reason="广告"))
    outcomes = run_threads(calls)
    assert all(kind == "ok" for kind, _value in outcomes), outcomes
    question.refresh_from_db()
    assert question.answer_count == 4 == Answer.objects.filter(question=question, status=PostStatus.VISIBLE).count()


def test_the_threshold_reached_by_simultaneous_reports_hides_the_post_once(qa, question, settings):
    settings.QA_AUTO_HIDE_REPORTS = 3
    people = [UserFactory(phone=f"1360002{i:04d}") for i in range(5)]
    outcomes = run_threads([lambda user=user: report_post(reporter=user, question=question, reason="ad")
                            for user in people])
    # the third report hides it; those who come after no longer see it
    assert sorted(kind if kind == "ok" else value for kind, value in outcomes) == [
        ErrorCode.NOT_FOUND] * 2 + ["ok"] * 3, outcomes
    assert Report.objects.filter(question=question).count() == 3
    question.refresh_from_db()
    assert question.status == PostStatus.HIDDEN and question.pending_review
    assert ModelLogEntry.objects.for_instance(question).filter(action="qa.auto_hide").count() == 1


def test_the_same_person_reporting_twice_at_once_is_one_report_and_one_duplicate(qa, question):
    outcomes = run_threads([lambda: report_post(reporter=qa.owner, question=question, reason="ad")] * 2)
    assert sorted(kind if kind == "ok" else value for kind, value in outcomes) == [ErrorCode.DUPLICATE, "ok"], outcomes
    assert Report.objects.count() == 1


def test_simultaneous_asks_stop_exactly_at_the_daily_limit(qa, settings):
    settings.QA_MAX_QUESTIONS_PER_DAY = 2
    outcomes = run_threads([lambda n=n: question_ask(author=qa.member_a2, community=qa.a, title=f"换届工作怎么准备（{n}）")
                            for n in range(5)])
    assert sorted(kind if kind == "ok" else value for kind, value in outcomes) == [
        ErrorCode.RATE_LIMITED] * 3 + ["ok"] * 2, outcomes
    assert Question.objects.filter(author=qa.member_a2).count() == 2


def _slowed_accept_check(monkeypatch, seconds):
    """Hold the accept inside its transaction (after it locked the question) long enough for a rival to start."""
    real = services.permissions.can_accept

    def slow(user, question):
        allowed = real(user, question)
        time.sleep(seconds)
        return allowed

    monkeypatch.setattr(services.permissions, "can_accept", slow)


@pytest.mark.parametrize("rival", ["hide", "report"])
def test_accepting_while_the_answer_is_hidden_or_reported_never_deadlocks(qa, question, monkeypatch, settings, rival):
    # Given an answer, and an accept that holds the question's lock for a moment
    settings.QA_AUTO_HIDE_REPORTS = 1
    answer = services.answer_post(question=question, author=qa.expert, body="先做维修方案，再交业主表决。")
    _slowed_accept_check(monkeypatch, 1.0)

    def accept():
        return services.answer_accept(answer=answer.pk, actor=qa.member_a).pk

    def hide():
        time.sleep(0.3)
        if rival == "hide":
            return moderation.post_hide(post=Answer.objects.get(pk=answer.pk), actor=qa.editor, reason="广告").pk
        return services.report_post(reporter=qa.member_b, answer=answer.pk, reason="ad").pk

    # When a moderator hides it (or a report hides it) at the same time
    outcomes = run_threads([accept, hide])
    # Then neither crashes: both finish in turn and the answer ends hidden, the question not solved
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    assert Answer.objects.get(pk=answer.pk).status == PostStatus.HIDDEN
    assert Question.objects.get(pk=question.pk).solved is False
