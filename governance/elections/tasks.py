"""Moving election rounds by the clock. Each step takes ids and is safe to run twice.

Registration ends at its deadline (报名中 → 资格审查); a reviewed round opens at its voting time
(资格审查 → 投票中, refused while applicants are pending); voting closes at its deadline with the
result computed. Staff never lose a round to the scheduler: a refused step is logged and retried.
"""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from governance.errors import DomainError

from . import services
from .models import ElectionRound, RoundStatus

log = logging.getLogger(__name__)


def _step(round_id: int, service, expected_status: str, now) -> bool:
    election = ElectionRound.objects.filter(pk=round_id, status=expected_status).first()
    if election is None:
        return False  # already moved on (run twice, or moved by staff): nothing to do
    try:
        service(election=election, actor=None, now=now)
    except DomainError as error:
        log.info("election round %s not moved by the scheduler: %s", round_id, error.message)
        return False
    return True


def elections_step(now=None) -> dict:
    now = now or timezone.now()
    due = ElectionRound.objects.filter
    registration = [pk for pk in due(status=RoundStatus.REGISTRATION, registration_closes_at__lte=now)
                    .values_list("pk", flat=True)
                    if _step(pk, services.round_close_registration, RoundStatus.REGISTRATION, now)]
    opened = [pk for pk in due(status=RoundStatus.REVIEW, voting_opens_at__lte=now).values_list("pk", flat=True)
              if _step(pk, services.round_open, RoundStatus.REVIEW, now)]
    closed = [pk for pk in due(status=RoundStatus.VOTING, voting_closes_at__lte=now).values_list("pk", flat=True)
              if _step(pk, services.round_close, RoundStatus.VOTING, now)]
    return {"registration_closed": registration, "opened": opened, "closed": closed}


@db_periodic_task(crontab(minute="*"))
def elections_tick() -> dict:
    """Every minute: end registrations, open reviewed rounds, close rounds past their deadline."""
    return elections_step()
