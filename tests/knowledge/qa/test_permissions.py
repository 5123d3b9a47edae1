"""One test per rule of knowledge/qa/permissions.py, each at its boundaries (who just passes, who just fails)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from knowledge.qa import permissions
from knowledge.qa.models import PostStatus
from tests.knowledge.qa.factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_asking_is_for_active_committee_members_and_secretaries_of_that_community(qa):
    assert permissions.can_ask(qa.member_a, qa.a) and permissions.can_ask(qa.secretary_a, qa.a)
    assert not permissions.can_ask(qa.member_a, qa.b)  # the other community
    assert permissions.can_ask(qa.member_b, qa.b) and not permissions.can_ask(qa.member_b, qa.a)
    assert not permissions.can_ask(qa.former_a, qa.a)  # term over: membership no longer active
    for user in (qa.expert, qa.editor, qa.owner, qa.rc_staff_a, AnonymousUser()):
        assert not permissions.can_ask(user, qa.a), user
    assert list(permissions.ask_communities(qa.member_a)) == [qa.a]
    assert permissions.can_ask_somewhere(qa.secretary_a) and not permissions.can_ask_somewhere(qa.expert)


def test_an_inactive_account_may_not_ask(qa):
    qa.member_a.is_active = False
    qa.member_a.save(update_fields=["is_active"])
    assert not permissions.can_ask(qa.member_a, qa.a)
    assert not permissions.can_answer(qa.member_a)


def test_answering_is_for_committee_members_of_any_community_and_experts(qa):
    for user in (qa.member_a, qa.secretary_a, qa.member_b, qa.expert, qa.superuser):
        assert permissions.can_answer(user), user
    for user in (qa.former_a, qa.editor, qa.owner, qa.rc_staff_a, AnonymousUser()):
        assert not permissions.can_answer(user), user


def test_moderators_are_editors_and_superusers(qa):
    assert permissions.is_moderator(qa.editor) and permissions.is_moderator(qa.superuser)
    for user in (qa.member_a, qa.secretary_a, qa.expert, qa.owner, qa.rc_staff_a, AnonymousUser()):
        assert not permissions.is_moderator(user), user


def test_a_hidden_question_is_seen_only_by_its_author_and_moderators(qa):
    visible = QuestionFactory(author=qa.member_a, community=qa.a)
    hidden = QuestionFactory(author=qa.member_a, community=qa.a, status=PostStatus.HIDDEN)
    for user in (AnonymousUser(), qa.owner, qa.member_b, qa.member_a):
        assert permissions.can_view_question(user, visible)
    assert permissions.can_view_question(qa.member_a, hidden)
    assert permissions.can_view_question(qa.editor, hidden) and permissions.can_view_question(qa.superuser, hidden)
    for user in (AnonymousUser(), qa.owner, qa.member_a2, qa.member_b, qa.expert):
        assert not permissions.can_view_question(user, hidden), user


def test_a_hidden_answer_is_seen_only_by_its_author_and_moderators(qa):
    question = QuestionFactory(author=qa.member_a, community=qa.a)
    hidden = AnswerFactory(question=question, author=qa.member_b, status=PostStatus.HIDDEN)
    assert permissions.can_view_answer(qa.member_b, hidden) and permissions.can_view_answer(qa.editor, hidden)
    for user in (AnonymousUser(), qa.member_a, qa.owner):  # the asker too
        assert not permissions.can_view_answer(user, hidden), user
    on_hidden_question = AnswerFactory(question=QuestionFactory(status=PostStatus.HIDDEN), author=qa.member_b)
    assert not permissions.can_view_answer(qa.member_b, on_hidden_question)  # its question is out of reach


def test_accepting_is_for_the_asker_only(qa):
    question = QuestionFactory(author=qa.member_a, community=qa.a)
    assert permissions.can_accept(qa.member_a, question)
    for user in (qa.member_a2, qa.secretary_a, qa.member_b, qa.expert, qa.editor, qa.superuser, AnonymousUser()):
        assert not permissions.can_accept(user, question), user


def test_reporting_is_for_signed_in_users_who_can_see_the_post(qa):
    question = QuestionFactory(author=qa.member_a, community=qa.a)
    answer = AnswerFactory(question=question, author=qa.expert)
    assert permissions.can_report(qa.owner, question) and permissions.can_report(qa.owner, answer)
    assert not permissions.can_report(AnonymousUser(), question)
    hidden = QuestionFactory(author=qa.member_a, status=PostStatus.HIDDEN)
    assert not permissions.can_report(qa.owner, hidden)
