"""业委会问答 on the portal (phone first). Views parse, call a service or selector, render.

Anyone reads; posting needs a sign-in (login_required sends anonymous visitors to the sign-in page and back);
signed-in users who may not post are told why.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.errors import DomainError, ErrorCode

from . import permissions, selectors, services
from .models import ANSWER_MAX, QUESTION_BODY_MAX, TITLE_MAX, TITLE_MIN, ReportReason

PAGE_SIZE = 20
STATES = {"unsolved": False, "solved": True}

HTTP_STATUS = {
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.RATE_LIMITED: 429,
}


def _status(error: DomainError) -> int:
    return HTTP_STATUS.get(error.code, 400)


def question_list(request):
    q = (request.GET.get("q") or "").strip()
    state = request.GET.get("state") or ""
    solved = STATES.get(state)
    results = selectors.question_list(user=request.user, query=q, solved=solved)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/qa/question_list.html", {
        "q": selectors.clean_query(q), "state": state if state in STATES else "", "page": page,
        "questions": list(page.object_list), "can_ask": permissions.can_ask_somewhere(request.user),
    })


@login_required
def ask(request):
    communities = list(permissions.ask_communities(request.user))
    context = {"communities": communities, "title_min": TITLE_MIN, "title_max": TITLE_MAX,
               "body_max": QUESTION_BODY_MAX, "values": {}, "error": None}
    if not communities:
        return render(request, "knowledge/qa/ask.html", {**context, "not_allowed": True}, status=403)
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in ("community", "title", "body")}
        community = next((c for c in communities if str(c.pk) == values["community"]), None)
        if community is None and len(communities) == 1:
            community = communities[0]
        try:
            question = services.question_ask(author=request.user, community=community, title=values["title"],
                                             body=values["body"])
        except DomainError as error:
            return render(request, "knowledge/qa/ask.html", {**context, "values": values, "error": error},
                          status=_status(error))
        messages.success(request, "问题已发布。")
        return redirect(question.get_absolute_url())
    return render(request, "knowledge/qa/ask.html", context)


def _question_or_404(request, question_id: int):
    question = selectors.question_for(request.user, question_id)
    if question is None:
        raise Http404("问题不存在或已被隐藏。")
    return question


def _render_detail(request, question, *, answer_body: str = "", error: DomainError | None = None, status=200):
    user = request.user
    answers = selectors.answers_for(user, question)
    return render(request, "knowledge/qa/question_detail.html", {
        "question": question,
        "answers": answers,
        "accepted_id": question.shown_accepted_answer_id,
        "can_answer": question.is_visible and permissions.can_answer(user),
        "can_accept": question.is_visible and permissions.can_accept(user, question),
        "is_moderator": permissions.is_moderator(user),
        "reasons": ReportReason.choices,
        "answer_body": answer_body,
        "answer_max": ANSWER_MAX,
        "error": error,
    }, status=status)


def question_detail(request, question_id: int):
    return _render_detail(request, _question_or_404(request, question_id))


@login_required
@require_POST
def answer(request, question_id: int):
    question = _question_or_404(request, question_id)
    body = request.POST.get("body", "")
    try:
        created = services.answer_post(question=question, author=request.user, body=body)
    except DomainError as error:
        return _render_detail(request, question, answer_body=body, error=error, status=_status(error))
    messages.success(request, "回答已发布。")
    return redirect(created.get_absolute_url())


@login_required
@require_POST
def accept(request, question_id: int, answer_id: int):
    question = _question_or_404(request, question_id)
    chosen = selectors.answer_for(request.user, answer_id)
    if chosen is None or chosen.question_id != question.pk:
        raise Http404("回答不存在或已被隐藏。")
    accepting = request.POST.get("accept", "1") != "0"
    try:
        services.answer_accept(answer=chosen, actor=request.user, accept=accepting)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已采纳该回答。" if accepting else "已取消采纳。")
    return redirect(question.get_absolute_url())


@login_required
@require_POST
def report(request, question_id: int):
    question = _question_or_404(request, question_id)
    answer_id = request.POST.get("answer")
    target = {"question": question}
    if answer_id:
        reported = selectors.answer_for(request.user, answer_id)
        if reported is None or reported.question_id != question.pk:
            raise Http404("回答不存在或已被隐藏。")
        target = {"answer": reported}
    try:
        services.report_post(reporter=request.user, reason=request.POST.get("reason", ""),
                             note=request.POST.get("note", ""), **target)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已收到您的举报，管理员会尽快处理。")
    anchor = f"#answer-{target['answer'].pk}" if "answer" in target else ""
    return redirect(question.get_absolute_url() + anchor)


@login_required
def mine(request):
    asked = Paginator(selectors.question_list(user=request.user, mine=True), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "knowledge/qa/mine.html", {
        "page": asked, "questions": list(asked.object_list), "answered": list(selectors.answered_by(request.user)[:50]),
        "can_ask": permissions.can_ask_somewhere(request.user),
        "can_answer": permissions.can_answer(request.user),
    })
