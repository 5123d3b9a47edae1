"""问答管理 in the Wagtail admin: moderators (editors, superusers) see the report queue open-first, inspect a post
with its reports and log, and hide / restore / dismiss. Committee members, who use the admin for other things,
cannot reach any of it."""

import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from knowledge.qa.models import PostStatus, Report, ReportStatus
from knowledge.qa.moderation import reports_dismiss
from knowledge.qa.services import answer_post, question_ask, report_post
from tests.admin.conftest import sidebar_menu
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(qa, settings):
    settings.QA_AUTO_HIDE_REPORTS = 2
    question = question_ask(author=qa.member_a, community=qa.a, title="小区维修基金怎么申请使用？")
    calm = question_ask(author=qa.member_a2, community=qa.a, title="业委会换届要提前多久准备？")
    answer = answer_post(question=question, author=qa.member_b, body="加微信代办维修资金审批，包过。")
    old = report_post(reporter=qa.owner, question=calm, reason="other", note="重复提问")
    reports_dismiss(post=calm, actor=qa.editor)
    first = report_post(reporter=qa.owner, answer=answer, reason="ad", note="广告引流")
    second = report_post(reporter=UserFactory(phone="13500000001", display_name="业主甲"), answer=answer,
                         reason="privacy")
    answer.refresh_from_db()
    assert answer.is_hidden and answer.pending_review  # two reports: hidden pending review
    return {"question": question, "calm": calm, "answer": answer, "old": old, "first": first, "second": second}


def test_the_menu_is_shown_to_moderators_only(as_user, qa, reported):
    for moderator in (qa.editor, qa.superuser):
        menu = sidebar_menu(as_user(moderator).get("/admin/"))
        assert "问答管理" in menu and menu["举报处理"] == "/admin/qa/reports/" and menu["问题"] == "/admin/qa/questions/"
    dashboard = as_user(qa.member_a).get("/admin/")
    assert dashboard.status_code == 200  # committee members use the admin ...
    assert "问答管理" not in sidebar_menu(dashboard) and "举报处理" not in sidebar_menu(dashboard)  # ... not this


def test_the_report_queue_lists_open_reports_first(as_user, qa, reported):
    html = as_user(qa.editor).get(reverse("qa_reports:index")).content.decode()
    rows = re.findall(r'/admin/qa/reports/inspect/(\d+)/', html)
    ordered = list(dict.fromkeys(int(pk) for pk in rows))
    assert ordered == [reported["second"].pk, reported["first"].pk, reported["old"].pk]
    assert "待处理" in html and "已处理" in html and "泄露隐私" in html


def refused_in_admin(response, *, has_admin: bool) -> None:
    """Wagtail answers a refusal inside the admin with a redirect to the dashboard (and a message); users without
    admin access go to the admin sign-in."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/admin/" if has_admin else response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("who", "has_admin"), [("member_a", True), ("secretary_a", True), ("rc_staff_a", True),
                                                ("expert", False)])
def test_others_cannot_reach_the_lists_or_the_actions(as_user, qa, reported, who, has_admin):
    client = as_user(getattr(qa, who))
    answer = reported["answer"]
    for url in (reverse("qa_reports:index"), reverse("qa_questions:index"), reverse("qa_answers:index"),
                reverse("qa_reports:inspect", args=[reported["first"].pk]),
                reverse("qa_answers:inspect", args=[answer.pk])):
        refused_in_admin(client.get(url), has_admin=has_admin)
    refused_in_admin(client.post(reverse("qa_answers:restore", args=[answer.pk])), has_admin=has_admin)
    refused_in_admin(client.post(reverse("qa_answers:dismiss", args=[answer.pk])), has_admin=has_admin)
    refused_in_admin(client.post(reverse("qa_questions:hide", args=[reported["question"].pk]), {"reason": "x"}),
                     has_admin=has_admin)
    answer.refresh_from_db()
    reported["question"].refresh_from_db()
    assert answer.is_hidden and answer.pending_review and reported["question"].is_visible
    assert Report.objects.filter(status=ReportStatus.OPEN).count() == 2


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client, reported):
    response = client.get(reverse("qa_reports:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    refused_in_admin(client.post(reverse("qa_answers:restore", args=[reported["answer"].pk])), has_admin=False)
    reported["answer"].refresh_from_db()
    assert reported["answer"].is_hidden


def test_no_add_edit_or_delete_pages_exist(as_user, qa, reported):
    client = as_user(qa.superuser)
    for path in ("/admin/qa/questions/new/", f"/admin/qa/questions/edit/{reported['question'].pk}/",
                 f"/admin/qa/answers/delete/{reported['answer'].pk}/", f"/admin/qa/reports/edit/{reported['first'].pk}/"):
        assert client.get(path).status_code == 404, path


def test_a_report_page_shows_the_post_its_reports_and_the_actions(as_user, qa, reported):
    html = as_user(qa.editor).get(reverse("qa_reports:inspect", args=[reported["first"].pk])).content.decode()
    assert "加微信代办维修资金审批，包过。" in html and "已隐藏（待审核）" in html
    assert html.count('data-testid="report-row"') == 2
    assert 'data-action="hide"' in html and 'data-action="restore"' in html and 'data-action="dismiss"' in html
    assert "因举报自动隐藏" in html  # the log entry


def test_a_moderator_confirms_the_hide_from_the_report_page(as_user, qa, reported, django_capture_on_commit_callbacks):
    answer = reported["answer"]
    back = reverse("qa_reports:inspect", args=[reported["first"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(qa.editor).post(reverse("qa_answers:hide", args=[answer.pk]),
                                           {"reason": "广告引流", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    answer.refresh_from_db()
    assert (answer.status, answer.pending_review, answer.hidden_reason, answer.hidden_by) == (
        PostStatus.HIDDEN, False, "广告引流", qa.editor)
    assert set(Report.objects.filter(answer=answer).values_list("status", "resolution")) == {("resolved", "hidden")}
    assert ModelLogEntry.objects.for_instance(answer).filter(action="qa.hide", user=qa.editor).exists()


def test_a_moderator_dismisses_the_reports_and_the_answer_is_shown_again(as_user, qa, reported):
    answer = reported["answer"]
    response = as_user(qa.editor).post(reverse("qa_answers:dismiss", args=[answer.pk]))
    assert response["Location"] == reverse("qa_answers:inspect", args=[answer.pk])
    answer.refresh_from_db()
    reported["question"].refresh_from_db()
    assert answer.is_visible and reported["question"].answer_count == 1
    assert set(Report.objects.filter(answer=answer).values_list("resolution", flat=True)) == {"dismissed"}


def test_a_moderator_hides_and_restores_a_question(as_user, qa, reported):
    client = as_user(qa.superuser)
    question = reported["calm"]
    client.post(reverse("qa_questions:hide", args=[question.pk]), {"reason": "与已有问题重复"})
    question.refresh_from_db()
    assert (question.status, question.hidden_reason) == (PostStatus.HIDDEN, "与已有问题重复")
    client.post(reverse("qa_questions:restore", args=[question.pk]))
    question.refresh_from_db()
    assert question.is_visible
    actions = list(ModelLogEntry.objects.for_instance(question).order_by("timestamp", "pk").values_list("action", flat=True))
    assert actions == ["qa.dismiss", "qa.hide", "qa.restore"]


def test_an_empty_reason_is_refused_with_a_message(as_user, qa, reported):
    client = as_user(qa.editor)
    page = client.post(reverse("qa_questions:hide", args=[reported["calm"].pk]), {"reason": " "}, follow=True)
    assert "请填写隐藏原因" in page.content.decode()
    reported["calm"].refresh_from_db()
    assert reported["calm"].is_visible


def test_the_question_list_includes_hidden_ones_for_moderators(as_user, qa, reported):
    client = as_user(qa.editor)
    client.post(reverse("qa_questions:hide", args=[reported["calm"].pk]), {"reason": "重复"})
    html = client.get(reverse("qa_questions:index"), {"status": "hidden"}).content.decode()
    assert "业委会换届要提前多久准备？" in html and "小区维修基金怎么申请使用？" not in html
    found = client.get(reverse("qa_questions:index"), {"q": "换届"}).content.decode()
    assert "业委会换届要提前多久准备？" in found


def test_the_question_list_costs_the_same_queries_for_one_or_many_rows(as_user, qa):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(qa.editor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("qa_questions:index")).status_code == 200
        return len(queries)

    question_ask(author=qa.member_a, community=qa.a, title="第一个问题：维修资金怎么用？")
    one = count()
    for i in range(7):
        question_ask(author=qa.member_b, community=qa.b, title=f"第{i + 2}个问题：物业费怎么调？")
    assert count() == one
