"""Closing surveys at their deadline. Tasks take ids and are safe to run twice."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from governance.errors import DomainError

from . import services
from .models import Survey, SurveyStatus

log = logging.getLogger(__name__)


@db_task()
def survey_close_task(survey_id: int) -> bool:
    """Close one open survey whose deadline has passed; False when there is nothing to do."""
    survey = Survey.objects.filter(pk=survey_id, status=SurveyStatus.OPEN).first()
    if survey is None:
        return False  # already closed (run twice, or closed early by staff)
    try:
        services.survey_close(survey=survey, actor=None)
    except DomainError as error:
        log.info("survey %s not closed by the scheduler: %s", survey_id, error.message)
        return False
    return True


def close_due_surveys(now=None) -> list[int]:
    now = now or timezone.now()
    due = Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=now).order_by("pk").values_list(
        "pk", flat=True)
    return [pk for pk in due if survey_close_task.call_local(pk)]


@db_periodic_task(crontab(minute="*"))
def surveys_tick() -> dict:
    """Every minute: close open surveys past their deadline."""
    return {"closed": close_due_surveys()}
