"""The case-submission pages on the portal (phone first). Views parse, call a service, render.

/cases/submit/ the form with guidance and the privacy rule; /cases/mine/ my submissions with their status;
/cases/<id>/ one submission's status page (the moderator's comment when sent back, edit & resubmit,
withdraw, the article once published). A submission is visible to its submitter, editors and superusers;
anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.errors import DomainError
from governance.registry.models import Community

from . import permissions, selectors, services
from .models import LESSONS_MAX, SECTION_MAX, TITLE_MAX, TITLE_MIN, CaseKind, CaseStatus
from .validation import FIELDS, LABELS

GUIDANCE = [
    ("背景", "小区的基本情况和事情的起因：什么时候、涉及哪些楼栋或设施、牵涉哪几方（业委会、物业、业主、居委会）。"),
    ("争议焦点", "各方分歧在哪里：钱该谁出、程序是否合规、依据哪条规定……"),
    ("处理经过", "按时间顺序写：找了谁、开了什么会、怎么表决或协商、依据了哪些法规和规约。"),
    ("结果", "最终怎么解决的，有没有书面决定或协议，现在执行得怎样。"),
    ("启示", "（选填）给其他小区的建议：哪些做法值得借鉴，哪些坑要避开。"),
]


def _values_from(source) -> dict:
    values = {name: source.get(name, "") for name in FIELDS}
    values["kind"] = source.get("kind", CaseKind.CASE)
    values["community"] = str(source.get("community", "") or "")
    return values


def _values_of(submission) -> dict:
    values = {name: getattr(submission, name) for name in FIELDS}
    values["kind"] = submission.kind
    values["community"] = str(submission.community_id or "")
    return values


def _community_from(raw: str):
    """The chosen community, or None; an unknown id is handed to the service as a community nobody
    belongs to (it answers 请选择您所在的小区)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        return Community(pk=0)
    return Community.objects.filter(pk=int(raw)).first() or Community(pk=0)


def _arguments(values: dict) -> dict:
    return {
        **{name: values[name] for name in FIELDS},
        "kind": values["kind"],
        "community": _community_from(values["community"]),
    }


def _form_context(request, values: dict, *, error=None) -> dict:
    return {
        "values": values,
        "error": error.message if error is not None else "",
        "error_field": (error.field or "") if error is not None else "",
        "labels": LABELS,
        "kinds": CaseKind.choices,
        "communities": list(selectors.submitter_communities(request.user)),
        "guidance": GUIDANCE,
        "limits": {"title_min": TITLE_MIN, "title_max": TITLE_MAX, "section_max": SECTION_MAX,
                   "lessons_max": LESSONS_MAX},
        "max_pending": services.max_pending(),
    }


@login_required
def case_index(request):
    return redirect("cases:mine")


@login_required
def case_submit(request):
    if not permissions.can_submit_case(request.user):
        return render(request, "knowledge/cases/not_allowed.html", status=403)
    if request.method != "POST":
        values = _values_from({})
        communities = list(selectors.submitter_communities(request.user)[:2])
        if len(communities) == 1:
            values["community"] = str(communities[0].pk)
        return render(request, "knowledge/cases/submit.html", _form_context(request, values))
    values = _values_from(request.POST)
    try:
        submission = services.case_submit(actor=request.user, **_arguments(values))
    except DomainError as error:
        return render(request, "knowledge/cases/submit.html", _form_context(request, values, error=error),
                      status=400)
    messages.success(request, "投稿已提交，编辑审核后会通过站内消息通知您。")
    return redirect("cases:detail", submission_id=submission.pk)


@login_required
def case_mine(request):
    return render(request, "knowledge/cases/mine.html", {
        "submissions": list(selectors.my_submissions(request.user)),
        "can_submit": permissions.can_submit_case(request.user),
    })


def _visible_or_404(request, submission_id):
    submission = selectors.visible_submission(request.user, submission_id)
    if submission is None:
        raise Http404
    return submission


@login_required
def case_detail(request, submission_id: int):
    submission = _visible_or_404(request, submission_id)
    review = submission.review
    is_submitter = permissions.can_change_case(request.user, submission)
    return render(request, "knowledge/cases/detail.html", {
        "submission": submission,
        "review": review,
        "article_url": selectors.article_url(submission, request=request),
        "can_edit": is_submitter and review.status == CaseStatus.CHANGES_REQUESTED,
        "can_withdraw": is_submitter and review.status in (CaseStatus.IN_REVIEW, CaseStatus.CHANGES_REQUESTED),
        "admin_edit_url": (reverse("wagtailadmin_pages:edit", args=[submission.page_id])
                           if submission.page_id and permissions.is_case_editor(request.user) else ""),
        "labels": LABELS,
    })


@login_required
def case_edit(request, submission_id: int):
    submission = _visible_or_404(request, submission_id)
    if not (permissions.can_change_case(request.user, submission)
            and submission.review.status == CaseStatus.CHANGES_REQUESTED):
        messages.error(request, "只有被退回修改的投稿，投稿人才可以修改后重新提交。")
        return redirect("cases:detail", submission_id=submission.pk)
    if request.method != "POST":
        context = _form_context(request, _values_of(submission))
        return render(request, "knowledge/cases/edit.html", {**context, "submission": submission})
    values = _values_from(request.POST)
    try:
        services.case_update(actor=request.user, submission=submission, **_arguments(values))
    except DomainError as error:
        context = _form_context(request, values, error=error)
        return render(request, "knowledge/cases/edit.html", {**context, "submission": submission}, status=400)
    messages.success(request, "已重新提交，请等待编辑审核。")
    return redirect("cases:detail", submission_id=submission.pk)


@login_required
@require_POST
def case_withdraw(request, submission_id: int):
    submission = _visible_or_404(request, submission_id)
    try:
        services.case_withdraw(actor=request.user, submission=submission)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "投稿已撤回。")
    return redirect("cases:detail", submission_id=submission.pk)
