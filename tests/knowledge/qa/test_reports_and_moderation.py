"""Reporting (report_post) and moderating (post_hide / post_restore / reports_dismiss): one report per person
per post, automatic hiding at the threshold, resolutions, the Wagtail log and the author's inbox."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from governance.errors import ErrorCode
from governance.office.models import Delivery
from knowledge.qa.models import PostStatus, Question, Report, ReportResolution, ReportStatus
from knowledge.qa.moderation import post_hide, post_restore, reports_dismiss
from knowledge.qa.services import answer_post, question_ask, report_post
from tests.factories import UserFactory
from tests.knowledge.qa.helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(qa):
    return question_ask(author=qa.member_a, community=qa.a, title="物业费要涨到2.2元，业委会怎么应对？")


@pytest.fixture
def answer(qa, question):
    return answer_post(question=question, author=qa.member_b, body="加微信 138xxxx 代办物业费审计，包过。")


def reporters(n):
    return [UserFactory(phone=f"1350000{i:04d}") for i in range(n)]


def logged(post):
    return list(ModelLogEntry.objects.for_instance(post).order_by("timestamp", "pk").values_list("action", "user"))


# --- reporting ---------------------------------------------------------------------------------------------


def test_any_signed_in_user_reports_a_visible_post(qa, question, answer):
    report = report_post(reporter=qa.owner, answer=answer, reason="ad", note="  广告  ")
    assert (report.answer, report.question, report.reason, report.note, report.status, report.resolution) == (
        answer, None, "ad", "广告", ReportStatus.OPEN, "")
    assert report_post(reporter=qa.owner, question=question, reason="false_info").question == question


def test_reporting_twice_is_a_duplicate_and_one_report_stays(qa, answer):
    report_post(reporter=qa.owner, answer=answer, reason="ad")
    refused(ErrorCode.DUPLICATE, report_post, reporter=qa.owner, answer=answer, reason="abuse")
    assert Report.objects.count() == 1


def test_ones_own_post_cannot_be_reported(qa, question, answer):
    refused(ErrorCode.INVALID, report_post, reporter=qa.member_a, question=question, reason="other")
    refused(ErrorCode.INVALID, report_post, reporter=qa.member_b, answer=answer, reason="other")
    assert not Report.objects.exists()


def test_anonymous_must_sign_in_to_report(qa, question):
    refused(ErrorCode.NOT_AUTHENTICATED, report_post, reporter=AnonymousUser(), question=question, reason="ad")


def test_the_reason_must_be_one_of_the_choices_and_the_note_short(qa, question):
    refused(ErrorCode.INVALID, report_post, reporter=qa.owner, question=question, reason="spam", field="reason")
    refused(ErrorCode.INVALID, report_post, reporter=qa.owner, question=question, reason="other", note="字" * 501,
            field="note")
    assert report_post(reporter=qa.owner, question=question, reason="other", note="字" * 500)


def test_exactly_one_post_is_reported(qa, question, answer):
    refused(ErrorCode.INVALID, report_post, reporter=qa.owner, reason="ad")
    refused(ErrorCode.INVALID, report_post, reporter=qa.owner, question=question, answer=answer, reason="ad")
    assert not Report.objects.exists()


def test_a_hidden_post_cannot_be_reported_by_those_who_cannot_see_it(qa, question):
    Question.objects.filter(pk=question.pk).update(status=PostStatus.HIDDEN)
    refused(ErrorCode.NOT_FOUND, report_post, reporter=qa.owner, question=question, reason="ad")
    refused(ErrorCode.INVALID, report_post, reporter=qa.editor, question=question, reason="ad")  # sees it: no need
    assert not Report.objects.exists()


def test_the_database_allows_exactly_one_post_and_one_report_per_person(qa, question, answer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=qa.owner, question=question, answer=answer, reason="ad")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=qa.owner, reason="ad")
    Report.objects.create(reporter=qa.owner, answer=answer, reason="ad")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=qa.owner, answer=answer, reason="abuse")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=qa.expert, answer=answer, reason="ad", status=ReportStatus.RESOLVED)
    Report.objects.create(reporter=qa.owner, question=question, reason="ad")  # the same person, another post


# --- automatic hiding ---------------------------------------------------------------------------------------


def test_the_third_report_from_different_people_hides_an_answer_pending_review(
        qa, question, answer, settings, django_capture_on_commit_callbacks):
    settings.QA_AUTO_HIDE_REPORTS = 3
    first, second, third = reporters(3)
    report_post(reporter=first, answer=answer, reason="ad")
    report_post(reporter=second, answer=answer, reason="privacy")
    answer.refresh_from_db()
    assert answer.status == PostStatus.VISIBLE  # two reports: still shown
    with django_capture_on_commit_callbacks(execute=True):
        report_post(reporter=third, answer=answer, reason="ad")
    answer.refresh_from_db()
    question.refresh_from_db()
    assert (answer.status, answer.pending_review, answer.hidden_by) == (PostStatus.HIDDEN, True, None)
    assert answer.hidden_reason == "被 3 位用户举报，已自动隐藏，等待管理员审核。"
    assert question.answer_count == 0
    assert Report.objects.filter(answer=answer, status=ReportStatus.OPEN).count() == 3  # still for review
    assert logged(answer) == [("qa.auto_hide", None)]
    message = Delivery.objects.get(recipient=qa.member_b).message
    assert message.title == "您的回答已被隐藏"
    assert "被多位用户举报，已暂时隐藏，等待管理员审核" in message.body


def test_the_threshold_defaults_to_three(qa, question, settings):
    if hasattr(settings, "QA_AUTO_HIDE_REPORTS"):
        del settings.QA_AUTO_HIDE_REPORTS
    people = reporters(3)
    for person in people[:2]:
        report_post(reporter=person, question=question, reason="ad")
    question.refresh_from_db()
    assert question.is_visible
    report_post(reporter=people[2], question=question, reason="ad")
    question.refresh_from_db()
    assert question.is_hidden and question.pending_review


def test_reports_already_resolved_do_not_count_towards_the_threshold(qa, question, settings):
    settings.QA_AUTO_HIDE_REPORTS = 2
    first, second, third = reporters(3)
    report_post(reporter=first, question=question, reason="ad")
    reports_dismiss(post=question, actor=qa.editor)
    report_post(reporter=second, question=question, reason="ad")
    question.refresh_from_db()
    assert question.is_visible
    report_post(reporter=third, question=question, reason="ad")
    question.refresh_from_db()
    assert question.is_hidden


# --- moderators ------------------------------------------------------------------------------------------------


def test_a_moderator_hides_with_a_reason_resolving_every_open_report(
        qa, question, answer, django_capture_on_commit_callbacks):
    for person in reporters(2):
        report_post(reporter=person, question=question, reason="false_info")
    with django_capture_on_commit_callbacks(execute=True):
        post_hide(post=question, actor=qa.editor, reason="  内容与事实不符  ")
    question.refresh_from_db()
    assert (question.status, question.hidden_reason, question.hidden_by, question.pending_review) == (
        PostStatus.HIDDEN, "内容与事实不符", qa.editor, False)
    assert set(Report.objects.values_list("status", "resolution", "resolved_by")) == {
        (ReportStatus.RESOLVED, ReportResolution.HIDDEN, qa.editor.pk)}
    assert logged(question) == [("qa.hide", qa.editor.pk)]
    assert ModelLogEntry.objects.for_instance(question).get().data == {"reason": "内容与事实不符", "reports": 2}
    message = Delivery.objects.filter(recipient=qa.member_a).latest("pk").message  # after the answer notice
    assert (message.title, message.link) == ("您的问题已被隐藏", f"/qa/{question.pk}/")
    assert message.body == "您的问题“物业费要涨到2.2元，业委会怎么应对？”已被管理员隐藏。原因：内容与事实不符"


def test_hiding_needs_a_reason_and_a_visible_or_pending_post(qa, question):
    refused(ErrorCode.INVALID, post_hide, post=question, actor=qa.editor, reason="  ", field="reason")
    refused(ErrorCode.INVALID, post_hide, post=question, actor=qa.editor, reason="字" * 201, field="reason")
    post_hide(post=question, actor=qa.editor, reason="重复提问")
    refused(ErrorCode.INVALID, post_hide, post=question, actor=qa.editor, reason="再次隐藏")
    assert logged(question) == [("qa.hide", qa.editor.pk)]


def test_confirming_an_automatic_hide_keeps_it_hidden_with_the_moderators_reason(
        qa, answer, settings, django_capture_on_commit_callbacks):
    settings.QA_AUTO_HIDE_REPORTS = 1
    report_post(reporter=qa.owner, answer=answer, reason="ad")
    with django_capture_on_commit_callbacks(execute=True):
        post_hide(post=answer, actor=qa.superuser, reason="广告引流")
    answer.refresh_from_db()
    assert (answer.status, answer.pending_review, answer.hidden_reason, answer.hidden_by) == (
        PostStatus.HIDDEN, False, "广告引流", qa.superuser)
    assert Report.objects.get().resolution == ReportResolution.HIDDEN
    assert [action for action, _user in logged(answer)] == ["qa.auto_hide", "qa.hide"]
    assert "经管理员审核" in Delivery.objects.filter(recipient=qa.member_b).latest("pk").message.body


def test_restoring_shows_the_post_again_and_dismisses_its_open_reports(qa, question, answer, settings):
    settings.QA_AUTO_HIDE_REPORTS = 1
    report_post(reporter=qa.owner, answer=answer, reason="abuse")
    post_restore(post=answer, actor=qa.editor)
    answer.refresh_from_db()
    question.refresh_from_db()
    assert (answer.status, answer.pending_review, answer.hidden_reason, question.answer_count) == (
        PostStatus.VISIBLE, False, "", 1)
    assert Report.objects.get().resolution == ReportResolution.DISMISSED
    assert [action for action, _user in logged(answer)] == ["qa.auto_hide", "qa.restore"]
    refused(ErrorCode.INVALID, post_restore, post=answer, actor=qa.editor)  # not hidden


def test_dismissing_resolves_every_open_report_and_shows_a_pending_post(qa, question, settings):
    settings.QA_AUTO_HIDE_REPORTS = 2
    first, second = reporters(2)
    report_post(reporter=first, question=question, reason="ad")
    report_post(reporter=second, question=question, reason="abuse")
    question.refresh_from_db()
    assert question.is_hidden and question.pending_review
    assert reports_dismiss(post=question, actor=qa.editor) == 2
    question.refresh_from_db()
    assert question.is_visible and not question.pending_review
    assert set(Report.objects.values_list("status", "resolution")) == {(ReportStatus.RESOLVED, "dismissed")}
    assert [action for action, _user in logged(question)] == ["qa.auto_hide", "qa.dismiss"]
    refused(ErrorCode.INVALID, reports_dismiss, post=question, actor=qa.editor)  # nothing open any more


def test_dismissing_does_not_show_a_post_a_moderator_hid(qa, question, answer):
    report_post(reporter=qa.owner, answer=answer, reason="ad")
    post_hide(post=answer, actor=qa.editor, reason="广告")
    refused(ErrorCode.INVALID, reports_dismiss, post=answer, actor=qa.editor)
    answer.refresh_from_db()
    assert answer.is_hidden


@pytest.mark.parametrize("who", ["member_a", "member_b", "secretary_a", "expert", "owner", "rc_staff_a"])
def test_only_moderators_moderate_and_nothing_changes_otherwise(qa, question, answer, who, settings):
    settings.QA_AUTO_HIDE_REPORTS = 1
    report_post(reporter=qa.owner if who != "owner" else qa.expert, answer=answer, reason="ad")
    user = getattr(qa, who)
    refused(ErrorCode.PERMISSION_DENIED, post_hide, post=question, actor=user, reason="x")
    refused(ErrorCode.PERMISSION_DENIED, post_restore, post=answer, actor=user)
    refused(ErrorCode.PERMISSION_DENIED, reports_dismiss, post=answer, actor=user)
    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.is_visible and answer.is_hidden and answer.pending_review
    assert Report.objects.get().status == ReportStatus.OPEN
    assert [action for action, _user in logged(answer)] == ["qa.auto_hide"] and logged(question) == []
