"""Reads of 业委会问答 for the portal, GraphQL and search.

Reading is public: visible questions and visible answers for everyone. A hidden question exists only for its
author and moderators; a hidden answer is left out except for its author and moderators. Lists load their
related rows up front (community, author, answers with their authors) so no resolver or template queries
per row.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from search.query import clean_query

from . import permissions
from .models import Answer, PostStatus, Question


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def readable_questions(user) -> QuerySet[Question]:
    """Questions the user may open: visible ones; hidden ones only for their author and moderators."""
    queryset = Question.objects.all()
    if permissions.is_moderator(user):
        return queryset
    if _signed_in(user):
        return queryset.filter(Q(status=PostStatus.VISIBLE) | Q(author=user))
    return queryset.filter(status=PostStatus.VISIBLE)


def readable_answers(user) -> QuerySet[Answer]:
    """Answers the user may see (of questions the caller already found readable)."""
    queryset = Answer.objects.select_related("author")
    if permissions.is_moderator(user):
        return queryset
    if _signed_in(user):
        return queryset.filter(Q(status=PostStatus.VISIBLE) | Q(author=user))
    return queryset.filter(status=PostStatus.VISIBLE)


def readable_answers_prefetch(user) -> Prefetch:
    """`answers` of each question narrowed to those `user` may see, with their authors: one query for any number
    of questions. (On a question loaded with it, `question.answers.all()` is that narrowed set.)"""
    return Prefetch("answers", queryset=readable_answers(user).order_by("created_at", "pk"))


def with_answers(queryset: QuerySet[Question], user) -> QuerySet[Question]:
    return queryset.prefetch_related(readable_answers_prefetch(user))


def load_answers(questions: list[Question], user) -> list[Question]:
    """The same prefetch on questions already fetched (e.g. a page of search results)."""
    prefetch_related_objects(questions, readable_answers_prefetch(user))
    return questions


def question_list(*, user=None, query: str = "", solved: bool | None = None, mine: bool = False):
    """Questions for a list: visible ones (with `mine`, every question of the user, hidden ones too).

    With `query`, a Chinese full-text search over title, body and visible answers, by relevance; otherwise
    the most recently active first. `solved` narrows to 已解决 (True) or 待解决 (False)."""
    query = clean_query(query)
    if mine:
        if not _signed_in(user):
            return Question.objects.none()
        queryset = Question.objects.filter(author=user)
    else:
        queryset = Question.objects.visible()
    if solved is not None:
        queryset = queryset.filter(solved=bool(solved))
    queryset = queryset.select_related("community", "author")
    if query:
        if mine:  # hidden questions are not in the index: search the visible ones, keep them mine
            queryset = queryset.filter(status=PostStatus.VISIBLE)
        return queryset.search(query)
    return queryset.order_by("-last_activity_at", "-pk")


def question_for(user, pk) -> Question | None:
    """One question the user may open, or None (hidden questions are None except for author and moderators)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (readable_questions(user).select_related("community", "author", "accepted_answer", "hidden_by")
            .filter(pk=pk).first())


def ordered_answers(question: Question, answers) -> list[Answer]:
    """The accepted answer (while it is shown) first, then the others oldest first."""
    accepted = question.shown_accepted_answer_id
    return sorted(answers, key=lambda answer: (answer.pk != accepted, answer.created_at, answer.pk))


def answers_for(user, question: Question) -> list[Answer]:
    """The answers of `question` the user may see, accepted first."""
    cache = getattr(question, "_prefetched_objects_cache", {})
    if "answers" in cache:  # loaded by readable_answers_prefetch(user)
        answers = list(cache["answers"])
    else:
        answers = list(readable_answers(user).filter(question=question).order_by("created_at", "pk"))
    return ordered_answers(question, answers)


def answered_by(user) -> QuerySet[Question]:
    """Visible questions the user has answered (any of the user's answers, shown or hidden), latest activity first."""
    if not _signed_in(user):
        return Question.objects.none()
    return (Question.objects.visible().filter(answers__author=user).distinct().select_related("community", "author")
            .order_by("-last_activity_at", "-pk"))


def answer_for(user, pk) -> Answer | None:
    """One answer the user may see (its question readable too), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    answer = readable_answers(user).select_related("question").filter(pk=pk).first()
    if answer is None or not permissions.can_view_question(user, answer.question):
        return None
    return answer
