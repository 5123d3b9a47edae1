"""Opening and closing votes by the clock. Each task takes ids and is safe to run twice."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from governance.errors import DomainError

from . import reminders, services
from .models import Motion, MotionStatus

log = logging.getLogger(__name__)


def _step(motion_id: int, service, expected_status: str) -> bool:
    motion = Motion.objects.filter(pk=motion_id, status=expected_status).first()
    if motion is None:
        return False  # already moved on (run twice, or changed by staff): nothing to do
    try:
        service(motion=motion, actor=None)
    except DomainError as error:
        log.info("motion %s not moved by the scheduler: %s", motion_id, error.message)
        return False
    return True


@db_task()
def motion_close_task(motion_id: int) -> bool:
    return _step(motion_id, services.motion_close, MotionStatus.VOTING)


@db_periodic_task(crontab(minute="*"))
def motions_tick() -> dict:
    """Every minute: open published votes whose time has come, close votes past their deadline."""
    now = timezone.now()
    opened = [pk for pk in Motion.objects.filter(status=MotionStatus.PUBLISHED, opens_at__lte=now)
              .values_list("pk", flat=True) if _step(pk, services.motion_open, MotionStatus.PUBLISHED)]
    closed = [pk for pk in Motion.objects.filter(status=MotionStatus.VOTING, closes_at__lte=now)
              .values_list("pk", flat=True) if _step(pk, services.motion_close, MotionStatus.VOTING)]
    return {"opened": opened, "closed": closed}


@db_periodic_task(crontab(minute="*/5"))
def vote_reminders_tick() -> list:
    """Every 5 minutes: remind non-voters at each motion's reminder marks (48 h, 4 h before closing …)."""
    return reminders.send_due_reminders()
