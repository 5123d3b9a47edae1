"""Reads for surveys. Every queryset starts from the user's communities: another community's survey
is never fetched. Who is in a survey's audience is decided by `survey_rules.survey_audience_unit_map` alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from governance.surveys import permissions as survey_rules
from governance.registry.roles import communities_for

from .models import AnswerPer, Option, Question, Response, Survey, SurveyStatus, SurveyTemplate


def surveys_for(user):
    """Surveys of the user's communities (drafts included); the scope of every survey read."""
    return Survey.objects.filter(community__in=communities_for(user))


def visible_surveys_for(user):
    """What the portal shows: published surveys of the user's communities, and drafts to their publishers."""
    return surveys_for(user).filter(
        ~Q(status=SurveyStatus.DRAFT) | Q(community__in=survey_rules.can_publish_surveys.communities(user))
    )


def templates_for(user):
    """Templates a publisher may use or read: platform-wide ones and those of the communities they publish in."""
    return SurveyTemplate.objects.filter(
        Q(community__isnull=True) | Q(community__in=survey_rules.can_publish_surveys.communities(user))
    )


def questions_prefetch(to_attr: str | None = None) -> Prefetch:
    """Questions in order with their options in order: two queries for any number of surveys."""
    return Prefetch(
        "questions",
        queryset=Question.objects.order_by("order", "pk").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
        ),
        to_attr=to_attr,
    )


def survey_with_questions(queryset, pk) -> Survey | None:
    return (queryset.select_related("community").prefetch_related(questions_prefetch(), "scope_buildings")
            .filter(pk=pk).first())


def survey_questions(survey: Survey) -> list[Question]:
    """The survey's questions with their options (from the prefetch cache when there is one)."""
    if "questions" in getattr(survey, "_prefetched_objects_cache", {}):
        return list(survey.questions.all())
    return list(Question.objects.filter(survey=survey).order_by("order", "pk").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("order", "pk"))))


def window_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return survey.status == SurveyStatus.OPEN and survey.opens_at <= now < survey.closes_at


@dataclass
class Participation:
    """One survey as one user sees it: the units through which they are in its audience and what is answered."""

    survey: Survey
    units: list = field(default_factory=list)
    answered_unit_ids: set[int] = field(default_factory=set)
    my_response: Response | None = None

    @property
    def in_audience(self) -> bool:
        return bool(self.units)

    @property
    def per_unit(self) -> bool:
        return self.survey.answer_per == AnswerPer.UNIT

    @property
    def open_units(self) -> list:
        """Units still to answer for (per-unit surveys)."""
        return [unit for unit in self.units if unit.pk not in self.answered_unit_ids]

    @property
    def answered(self) -> bool:
        if self.per_unit:
            return bool(self.units) and not self.open_units
        return self.my_response is not None

    @property
    def can_answer_now(self) -> bool:
        return self.in_audience and not self.answered and window_open(self.survey)


def participations(user, surveys) -> list[Participation]:
    """The user's participation in each survey: three queries for any number of surveys."""
    surveys = list(surveys)
    if not surveys:
        return []
    unit_map = survey_rules.survey_audience_unit_map(user, surveys)
    result = {s.pk: Participation(survey=s, units=unit_map[s.pk]) for s in surveys}
    if getattr(user, "is_authenticated", False):
        unit_ids = {u.pk for units in unit_map.values() for u in units}
        for response in Response.objects.filter(survey__in=[s.pk for s in surveys]).filter(
            Q(user=user) | Q(unit__in=unit_ids, per=AnswerPer.UNIT)
        ).order_by("pk"):
            item = result[response.survey_id]
            if response.per == AnswerPer.UNIT and response.unit_id is not None:
                item.answered_unit_ids.add(response.unit_id)
            if response.user_id == user.pk and item.my_response is None:
                item.my_response = response
    return [result[s.pk] for s in surveys]


def participation(user, survey: Survey) -> Participation:
    return participations(user, [survey])[0]


def open_surveys_for(user, *, now: datetime | None = None):
    """Open (not yet past the deadline) surveys of the user's communities, newest first."""
    now = now or timezone.now()
    return (surveys_for(user).filter(status=SurveyStatus.OPEN, closes_at__gt=now)
            .select_related("community").prefetch_related("scope_buildings").order_by("closes_at", "pk"))


def my_open_surveys(user, *, now: datetime | None = None, with_questions: bool = False) -> list[Participation]:
    """Open surveys whose audience includes the user (answered or not), soonest deadline first."""
    queryset = open_surveys_for(user, now=now)
    if with_questions:
        queryset = queryset.prefetch_related(questions_prefetch())
    return [item for item in participations(user, queryset) if item.in_audience]


def closed_surveys_with_results(user) -> list[Participation]:
    """Closed surveys of the user's communities whose results the user may see, newest first."""
    surveys = list(surveys_for(user).filter(status=SurveyStatus.CLOSED).select_related("community")
                   .prefetch_related("scope_buildings").order_by("-closes_at", "-pk")[:50])
    publisher_ids = set(survey_rules.can_publish_surveys.communities(user).values_list("pk", flat=True)) \
        if surveys else set()
    return [item for item in participations(user, surveys)
            if item.survey.community_id in publisher_ids or item.in_audience or item.my_response is not None]
