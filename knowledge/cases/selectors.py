"""Reads of case submissions, and their status derived from the page and its Wagtail workflow state.

A list is one query: the page and community are joined, the page's active workflow state (status and the
reviewer's comment of its current task) comes from a subquery annotation (`with_review`). Querysets are
scoped by `permissions`: the submitter sees their own, editors and superusers every submission, nobody
else any.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from wagtail.models import WorkflowState

from . import permissions
from .models import CaseStatus, CaseSubmission

ACTIVE_STATES = (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES)


def _active_states_of_page():
    """The active workflow state of the page of the outer submission (at most one exists)."""
    return WorkflowState.objects.filter(
        base_content_type__app_label="wagtailcore", base_content_type__model="page",
        object_id=Cast(OuterRef("page_id"), output_field=CharField()), status__in=ACTIVE_STATES,
    ).order_by("-pk")


def with_review(queryset: QuerySet[CaseSubmission]) -> QuerySet[CaseSubmission]:
    """Join the page and community, annotate the workflow status and the reviewer's comment (one query)."""
    states = _active_states_of_page()
    return queryset.select_related("page", "community").annotate(
        review_state=Subquery(states.values("status")[:1]),
        review_comment=Subquery(states.values("current_task_state__comment")[:1]),
    )


@dataclass(frozen=True)
class CaseReview:
    status: str
    comment: str  # the reviewer's comment when changes were requested, else ""

    @property
    def label(self) -> str:
        return str(CaseStatus(self.status).label)


def _state_of(submission: CaseSubmission) -> tuple[str | None, str]:
    if hasattr(submission, "review_state"):
        return submission.review_state, submission.review_comment or ""
    state = (WorkflowState.objects.filter(base_content_type__app_label="wagtailcore",
                                          base_content_type__model="page", object_id=str(submission.page_id),
                                          status__in=ACTIVE_STATES)
             .select_related("current_task_state").order_by("-pk").first())
    if state is None:
        return None, ""
    task_state = state.current_task_state
    return state.status, (task_state.comment if task_state is not None else "") or ""


def case_review(submission: CaseSubmission) -> CaseReview:
    """The status: 已发布 when the page is live; 审核中 / 退回修改 while its workflow is in progress / needs
    changes; otherwise 已撤回 (withdrawn by the submitter, the workflow cancelled, or the page removed)."""
    page = submission.page
    if page is None:
        return CaseReview(CaseStatus.WITHDRAWN, "")
    if page.live:
        return CaseReview(CaseStatus.PUBLISHED, "")
    state, comment = _state_of(submission)
    if state == WorkflowState.STATUS_IN_PROGRESS:
        return CaseReview(CaseStatus.IN_REVIEW, "")
    if state == WorkflowState.STATUS_NEEDS_CHANGES:
        return CaseReview(CaseStatus.CHANGES_REQUESTED, comment)
    return CaseReview(CaseStatus.WITHDRAWN, "")


def case_status(submission: CaseSubmission) -> str:
    return case_review(submission).status


def article_url(submission: CaseSubmission, request=None) -> str:
    """The published article's address; "" unless the page is live."""
    page = submission.page
    if page is None or not page.live:
        return ""
    return page.get_url(request=request) or ""


# --- scoped querysets -----------------------------------------------------------------------------------


def submissions_visible_to(user) -> QuerySet[CaseSubmission]:
    """Editors and superusers: every submission; anyone signed in: their own; the anonymous: none."""
    if not getattr(user, "is_authenticated", False):
        return CaseSubmission.objects.none()
    if permissions.is_case_editor(user):
        return CaseSubmission.objects.all()
    return CaseSubmission.objects.filter(submitted_by=user)


def my_submissions(user) -> QuerySet[CaseSubmission]:
    """The user's own submissions, newest first, with their review state (one query)."""
    if not getattr(user, "is_authenticated", False):
        return CaseSubmission.objects.none()
    return with_review(CaseSubmission.objects.filter(submitted_by=user)).order_by("-created_at", "-pk")


def visible_submission(user, submission_id) -> CaseSubmission | None:
    """One submission the user may see (None for anybody else: the caller answers 404)."""
    try:
        pk = int(submission_id)
    except (TypeError, ValueError):
        return None
    return with_review(submissions_visible_to(user)).filter(pk=pk).first()


def in_review_count(user, *, exclude_pk: int | None = None) -> int:
    """How many of the user's submissions are 审核中 (workflow in progress, page not live)."""
    queryset = with_review(CaseSubmission.objects.filter(submitted_by=user, page__isnull=False, page__live=False))
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.filter(review_state=WorkflowState.STATUS_IN_PROGRESS).count()


def submitter_communities(user):
    """The communities a submitter may attach a case to (their own, per `roles.communities_for`)."""
    from governance.registry.roles import communities_for

    return communities_for(user).order_by("name", "pk")
