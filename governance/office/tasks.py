"""Sending deliveries, reminders of to-dos, housekeeping. Tasks take ids; safe to run twice."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services
from .models import Message

log = logging.getLogger(__name__)


@db_task()
def message_deliver_task(message_id: int, channel: str) -> dict:
    """Send the queued deliveries of one message on one channel (enqueued by message_send after commit)."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return {"sent": 0, "failed": 0}
    return services.deliveries_send(message=message, channel=channel)


@db_periodic_task(crontab(minute="*/10"))
def todo_reminders_tick() -> list:
    """Every 10 minutes: remind assignees once of to-dos due within 24 hours."""
    return services.todos_remind_due()


@db_periodic_task(crontab(minute="*/10"))
def deliveries_sweep_tick() -> dict:
    """Every 10 minutes: re-enqueue lost sending tasks, fail rows stuck in 'sending'."""
    return services.deliveries_sweep()


# --- notices (通知公告) ------------------------------------------------------------------------------


@db_task()
def notice_fanout_task(notice_id: int):
    """Fan a published notice out to its audience (enqueued after the publish commits). Once per notice."""
    from .models import NoticePage
    from .notices.services import notice_publish_fanout

    notice = NoticePage.objects.filter(pk=notice_id).first()
    if notice is None:
        return None
    dispatch = notice_publish_fanout(notice=notice)
    return dispatch.recipients if dispatch is not None else None


@db_periodic_task(crontab(minute="*/10"))
def notice_reminders_tick() -> dict:
    """Every 10 minutes: fan out notices whose task was lost; send each notice's one second reminder when due."""
    from .notices.services import notices_fanout_sweep, notices_remind_due

    return {"fanned_out": notices_fanout_sweep(), "reminded": notices_remind_due()}
