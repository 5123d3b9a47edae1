"""The portal pages: /qa/ (search, 待解决/已解决, pagination), /qa/ask/, /qa/<id>/ (answers accepted first, the
answer form, accept buttons for the asker, the report form), /qa/mine/. Anonymous visitors read; posting sends
them to sign in; signed-in users who may not post are told why."""

import re

import pytest

from knowledge.qa.models import Answer, Question, Report
from knowledge.qa.moderation import post_hide
from knowledge.qa.services import answer_accept, answer_post, question_ask
from tests.knowledge.qa.factories import QuestionFactory

pytestmark = pytest.mark.django_db

FUND = "小区维修基金怎么申请使用？"
FEE = "物业费要涨到2.2元，业委会怎么应对？"


def listed(html):
    return re.findall(r'<li class="qa-item"[^>]*><a href="/qa/\d+/">\s*<strong>([^<]+)</strong>', html)


def answer_ids(html):
    return [int(pk) for pk in re.findall(r'data-testid="answer" data-id="(\d+)"', html)]


@pytest.fixture
def board(qa):
    fund = question_ask(author=qa.member_a, community=qa.a, title=FUND, body="3栋电梯要大修。")
    fee = question_ask(author=qa.member_b, community=qa.b, title=FEE)
    first = answer_post(question=fund, author=qa.member_b, body="先出维修方案，公示七天后组织表决。")
    second = answer_post(question=fund, author=qa.expert, body="可以问问能否走应急维修程序。")
    answer_accept(answer=second, actor=qa.member_a)
    return {"fund": fund, "fee": fee, "first": first, "second": second}


# --- the list ------------------------------------------------------------------------------------------------


def test_anyone_reads_the_list_most_recently_active_first(client, board):
    html = client.get("/qa/").content.decode()
    assert listed(html) == [FUND, FEE]  # the accepted answer made the fund question the latest active
    assert "来自 幸福家园" in html and "来自 河畔花园" in html and "已解决" in html and "2 个回答" in html
    assert 'data-testid="ask-login"' in html and "/accounts/login/?next=/qa/ask/" in html


def test_the_list_filters_unsolved_and_solved_and_searches(client, board):
    assert listed(client.get("/qa/", {"state": "unsolved"}).content.decode()) == [FEE]
    assert listed(client.get("/qa/", {"state": "solved"}).content.decode()) == [FUND]
    found = client.get("/qa/", {"q": "维修基金"}).content.decode()
    assert listed(found) == [FUND] and "“维修基金”共找到 1 个问题" in found
    assert listed(client.get("/qa/", {"q": "应急维修"}).content.decode()) == [FUND]  # a word of an answer
    assert listed(client.get("/qa/", {"q": "维修基金", "state": "unsolved"}).content.decode()) == []


def test_hidden_questions_are_not_listed(client, qa, board):
    post_hide(post=board["fee"], actor=qa.editor, reason="重复提问")
    assert listed(client.get("/qa/").content.decode()) == [FUND]


def test_the_list_is_paginated_keeping_the_filters(client, qa):
    for n in range(23):
        QuestionFactory(author=qa.member_a, community=qa.a, title=f"关于换届选举的第{n:02d}个问题")
    first = client.get("/qa/", {"state": "unsolved"}).content.decode()
    assert len(listed(first)) == 20 and "第 1 / 2 页" in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "page=2" in next_link and "state=unsolved" in next_link
    assert len(listed(client.get("/qa/", {"state": "unsolved", "page": 2}).content.decode())) == 3


def test_signed_in_users_who_may_not_ask_are_told_why(as_user, qa, board):
    html = as_user(qa.owner).get("/qa/").content.decode()
    assert 'data-testid="ask-not-allowed"' in html and 'data-testid="ask-link"' not in html
    assert 'data-testid="ask-link"' in as_user(qa.member_a).get("/qa/").content.decode()


# --- asking ------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_to_ask(client, qa):
    response = client.get("/qa/ask/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/qa/ask/"
    assert client.post("/qa/ask/", {"title": FUND}).status_code == 302
    assert not Question.objects.exists()


def test_a_signed_in_non_member_sees_why_and_cannot_post(as_user, qa):
    client = as_user(qa.expert)
    response = client.get("/qa/ask/")
    assert response.status_code == 403 and "只有小区业委会在任委员和执行秘书可以提问" in response.content.decode()
    assert client.post("/qa/ask/", {"community": qa.a.pk, "title": FUND}).status_code == 403
    assert not Question.objects.exists()


def test_a_committee_member_asks_and_lands_on_the_question(as_user, qa):
    client = as_user(qa.member_a)
    form = client.get("/qa/ask/").content.decode()
    assert "将显示为：来自 幸福家园" in form
    response = client.post("/qa/ask/", {"community": qa.a.pk, "title": FUND, "body": "电梯要大修"})
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/qa/{question.pk}/"
    assert (question.author, question.community, question.title) == (qa.member_a, qa.a, FUND)


def test_an_invalid_question_shows_the_error_at_the_field_and_keeps_the_text(as_user, qa):
    response = as_user(qa.member_a).post("/qa/ask/", {"community": qa.a.pk, "title": "电梯", "body": "想问问"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-title">标题须为 5–120 个字（现在 2 个字）。<' in html
    assert ">想问问</textarea>" in html and not Question.objects.exists()


def test_the_daily_limit_shows_as_a_form_error(as_user, qa, settings):
    settings.QA_MAX_QUESTIONS_PER_DAY = 1
    client = as_user(qa.member_a)
    client.post("/qa/ask/", {"community": qa.a.pk, "title": FUND})
    response = client.post("/qa/ask/", {"community": qa.a.pk, "title": FEE})
    assert response.status_code == 429 and "24 小时内最多提问 1 次" in response.content.decode()
    assert Question.objects.count() == 1


def test_a_member_of_two_committees_chooses_the_community(as_user, qa):
    from tests.factories import MembershipFactory

    MembershipFactory(user=qa.member_a, role="committee_member", community=qa.b)
    client = as_user(qa.member_a)
    form = client.get("/qa/ask/").content.decode()
    assert '<select name="community" required>' in form
    client.post("/qa/ask/", {"community": qa.b.pk, "title": FUND})
    assert Question.objects.get().community == qa.b


# --- the question page ----------------------------------------------------------------------------------------


def test_the_question_page_shows_the_accepted_answer_first(client, board):
    html = client.get(f"/qa/{board['fund'].pk}/").content.decode()
    assert answer_ids(html) == [board["second"].pk, board["first"].pk]
    assert html.count('data-testid="accepted"') == 1 and "来自 幸福家园" in html
    assert 'data-testid="answer-login"' in html and 'data-testid="accept"' not in html
    assert 'data-testid="report-question"' not in html  # anonymous: no report form


def test_the_asker_sees_accept_buttons_and_others_do_not(as_user, qa, board):
    asker = as_user(qa.member_a).get(f"/qa/{board['fund'].pk}/").content.decode()
    assert asker.count('data-testid="accept"') == 1 and asker.count('data-testid="unaccept"') == 1
    other = as_user(qa.member_a2).get(f"/qa/{board['fund'].pk}/").content.decode()
    assert 'data-testid="accept"' not in other and 'data-testid="unaccept"' not in other
    assert 'data-testid="answer-form"' in other and 'data-testid="report-question"' in other


def test_accepting_switching_and_unaccepting_from_the_page(as_user, qa, board):
    client = as_user(qa.member_a)
    url = f"/qa/{board['fund'].pk}/accept/{board['first'].pk}/"
    assert client.post(url, {"accept": "1"})["Location"] == f"/qa/{board['fund'].pk}/"
    board["fund"].refresh_from_db()
    assert board["fund"].accepted_answer == board["first"]
    client.post(url, {"accept": "0"})
    board["fund"].refresh_from_db()
    assert board["fund"].accepted_answer is None and not board["fund"].solved
    assert as_user(qa.member_a2).post(url, {"accept": "1"}).status_code == 302  # refused with a message
    board["fund"].refresh_from_db()
    assert board["fund"].accepted_answer is None


def test_a_non_answerer_sees_why_and_cannot_answer(as_user, qa, board):
    client = as_user(qa.owner)
    html = client.get(f"/qa/{board['fee'].pk}/").content.decode()
    assert "只有小区业委会委员、执行秘书和专家顾问可以回答问题" in html and 'data-testid="answer-form"' not in html
    response = client.post(f"/qa/{board['fee'].pk}/answer/", {"body": "我觉得不该涨。"})
    assert response.status_code == 403 and not board["fee"].answers.exists()


def test_answering_from_the_page(as_user, qa, board):
    response = as_user(qa.member_a).post(f"/qa/{board['fee'].pk}/answer/", {"body": "先要物业提供收支明细。"})
    answer = Answer.objects.get(question=board["fee"])
    assert response["Location"] == f"/qa/{board['fee'].pk}/#answer-{answer.pk}"
    invalid = as_user(qa.member_a).post(f"/qa/{board['fee'].pk}/answer/", {"body": "好"})
    assert invalid.status_code == 400 and 'data-testid="error-body">回答内容须为 2–5000 个字' in invalid.content.decode()


def test_anonymous_posting_goes_to_sign_in(client, board):
    response = client.post(f"/qa/{board['fee'].pk}/answer/", {"body": "先要物业提供收支明细。"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not board["fee"].answers.exists()


def test_a_hidden_question_is_404_except_for_its_author_and_moderators(client, as_user, qa, board):
    post_hide(post=board["fee"], actor=qa.editor, reason="含有业主个人信息")
    url = f"/qa/{board['fee'].pk}/"
    assert client.get(url).status_code == 404
    assert as_user(qa.member_a).get(url).status_code == 404
    author = as_user(qa.member_b).get(url).content.decode()
    assert 'data-testid="hidden-notice"' in author and "已被隐藏" in author and "含有业主个人信息" in author
    assert 'data-testid="answer-form"' not in author
    assert as_user(qa.editor).get(url).status_code == 200
    assert as_user(qa.member_a).post(f"{url}answer/", {"body": "先要物业提供收支明细。"}).status_code == 404


def test_hidden_answers_are_left_out_except_for_their_author_and_moderators(client, as_user, qa, board):
    post_hide(post=board["first"], actor=qa.editor, reason="广告")
    url = f"/qa/{board['fund'].pk}/"
    assert answer_ids(client.get(url).content.decode()) == [board["second"].pk]
    assert answer_ids(as_user(qa.member_a).get(url).content.decode()) == [board["second"].pk]
    mine = as_user(qa.member_b).get(url).content.decode()
    assert answer_ids(mine) == [board["second"].pk, board["first"].pk]
    assert 'data-testid="answer-hidden-notice"' in mine


def test_reporting_from_the_page(as_user, qa, board):
    client = as_user(qa.owner)
    url = f"/qa/{board['fund'].pk}/report/"
    response = client.post(url, {"answer": board["first"].pk, "reason": "ad", "note": "广告"})
    assert response["Location"] == f"/qa/{board['fund'].pk}/#answer-{board['first'].pk}"
    report = Report.objects.get()
    assert (report.answer, report.reporter, report.reason, report.note) == (board["first"], qa.owner, "ad", "广告")
    again = client.post(url, {"answer": board["first"].pk, "reason": "ad"}, follow=True).content.decode()
    assert "您已经举报过该内容" in again and Report.objects.count() == 1
    client.post(url, {"reason": "false_info"})
    assert Report.objects.filter(question=board["fund"]).count() == 1


def test_an_answer_of_another_question_cannot_be_reported_or_accepted_through_this_one(as_user, qa, board):
    other = answer_post(question=board["fee"], author=qa.expert, body="物业费调价要业主大会决定。")
    assert as_user(qa.owner).post(f"/qa/{board['fund'].pk}/report/", {"answer": other.pk, "reason": "ad"}).status_code == 404
    assert as_user(qa.member_a).post(f"/qa/{board['fund'].pk}/accept/{other.pk}/").status_code == 404
    assert not Report.objects.exists()


# --- mine ------------------------------------------------------------------------------------------------------


def test_mine_lists_my_questions_hidden_ones_too_and_the_questions_i_answered(as_user, qa, board):
    post_hide(post=board["fee"], actor=qa.editor, reason="重复提问")
    html = as_user(qa.member_b).get("/qa/mine/").content.decode()
    mine, answered = html.split('data-testid="my-answers"')
    assert listed(mine) == [FEE] and "已被隐藏" in mine
    assert listed(answered) == [FUND]


def test_mine_needs_a_sign_in(client, qa):
    assert client.get("/qa/mine/")["Location"] == "/accounts/login/?next=/qa/mine/"


def test_a_missing_question_is_404(client, qa):
    assert client.get("/qa/999999/").status_code == 404


def test_an_editor_sees_no_accept_buttons_and_cannot_accept_from_the_page(as_user, qa, board):
    client = as_user(qa.editor)
    html = client.get(f"/qa/{board['fund'].pk}/").content.decode()
    assert 'data-testid="accept"' not in html and 'data-testid="unaccept"' not in html
    response = client.post(f"/qa/{board['fund'].pk}/accept/{board['first'].pk}/", {"accept": "1"}, follow=True)
    assert "只有提问人可以采纳回答。" in response.content.decode()
    client.post(f"/qa/{board['fund'].pk}/accept/{board['second'].pk}/", {"accept": "0"})
    board["fund"].refresh_from_db()
    assert (board["fund"].accepted_answer, board["fund"].solved) == (board["second"], True)
