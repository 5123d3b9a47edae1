"""Reminding owners who have not voted yet (DOMAIN §3), at the hour marks of `Motion.reminder_hours`.

For a motion in voting with reminder_hours "48,4", the 48-hour mark comes at closes_at − 48 h
and the 4-hour mark at closes_at − 4 h. When the scheduler runs, the most recent mark that has
come is the one due: it is sent once, to every user who may cast a right that has no ballot yet
(a verified owner or co-owner of one of the right's units, as `governance.voting.permissions.can_cast_for_right` asks),
in-site and by SMS. Older marks not yet done are recorded as skipped, so a late run sends one
reminder, not a burst; a mark that fell before voting opened is skipped too. Each mark is one
`VoteReminder` row (unique per motion and mark), so a second or concurrent run sends nothing.

The reminder never says how anyone voted, nor who else has voted.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from governance.audit.services import audit_record
from governance.registry.models import Ownership
from portal import outbox

from .models import Ballot, Motion, MotionStatus, RollUnit, VoteReminder

log = logging.getLogger(__name__)

DEFAULT_CHANNELS = ("insite", "sms")
TITLE_LIMIT = 50


def parse_reminder_hours(value: str | None) -> list[int]:
    """'48,4' → [48, 4] (largest first). Full-width digits and commas are accepted; junk is ignored."""
    text = unicodedata.normalize("NFKC", value or "").replace("，", ",").replace("、", ",")
    hours = set()
    for part in text.split(","):
        part = part.strip()
        if part.isdigit() and int(part) > 0:
            hours.add(int(part))
    return sorted(hours, reverse=True)


def non_voter_user_ids(motion: Motion) -> list[int]:
    """Users who may cast a right of this motion that has no ballot (not even a void one). One query.

    Mirrors `governance.voting.permissions.can_cast_for_right`: a verified ownership of a unit on the right's roll, by a person
    on the right. Tenants, owners whose right has voted, and other communities never match.
    """
    open_roll_unit = RollUnit.objects.filter(
        motion=motion, unit=OuterRef("unit"), right__persons=OuterRef("person"),
    ).exclude(Exists(Ballot.objects.filter(right=OuterRef("right"))))
    return list(Ownership.objects.filter(verified=True, person__user__isnull=False, person__user__is_active=True)
                .filter(Exists(open_roll_unit)).values_list("person__user_id", flat=True).distinct()
                .order_by("person__user_id"))


def reminder_text(motion: Motion) -> str:
    """“更换小区大门门禁”将于 11月30日 18:00 截止，您尚未投票。"""
    title = motion.title if len(motion.title) <= TITLE_LIMIT else motion.title[: TITLE_LIMIT - 1] + "…"
    closes = timezone.localtime(motion.closes_at)
    return f"“{title}”将于 {closes.month}月{closes.day}日 {closes:%H:%M} 截止，您尚未投票。"


def reminder_channels() -> list[str]:
    return list(getattr(settings, "VOTE_REMINDER_CHANNELS", DEFAULT_CHANNELS))


def due_mark(motion: Motion, now: datetime) -> tuple[int | None, list[int]]:
    """(the mark due now, the older marks that have also come), or (None, []) before the first mark."""
    if now >= motion.closes_at:
        return None, []
    come = [h for h in parse_reminder_hours(motion.reminder_hours) if motion.closes_at - timedelta(hours=h) <= now]
    if not come:
        return None, []
    current = min(come)
    return current, [h for h in come if h != current]


def motion_remind(*, motion: Motion, now: datetime | None = None):
    """Send the reminder due now for one motion, once. Returns the VoteReminder sent, or None."""
    now = now or timezone.now()
    current, older = due_mark(motion, now)
    if current is None:
        return None
    with transaction.atomic():
        motion = Motion.objects.select_for_update().select_related("community").get(pk=motion.pk)
        if motion.status != MotionStatus.VOTING:
            return None
        current, older = due_mark(motion, now)
        if current is None:
            return None
        done = set(VoteReminder.objects.filter(motion=motion).values_list("hours_before", flat=True))
        if current in done:
            return None
        skipped = [h for h in older if h not in done]
        opened = motion.voting_opened_at or motion.opens_at
        before_opening = motion.closes_at - timedelta(hours=current) < opened
        try:
            with transaction.atomic():
                for hours in skipped:
                    VoteReminder.objects.create(motion=motion, hours_before=hours, skipped=True, sent_at=now)
                reminder = VoteReminder.objects.create(motion=motion, hours_before=current, skipped=before_opening,
                                                       sent_at=now)
        except IntegrityError:  # a concurrent run recorded these marks first
            return None
        if before_opening:
            audit_record(community=motion.community, actor=None, action="motion.remind", obj=motion,
                         summary={"hours_before": current, "recipients": 0, "skipped": sorted(skipped + [current])})
            return None
        user_ids = non_voter_user_ids(motion)
        if user_ids:
            text = reminder_text(motion)
            reminder.message = outbox.send_message(
                community=motion.community, title=f"投票提醒：{motion.title}"[:200],
                body=f"{text}请在截止前登录小区治理，在“业主表决”中完成投票。", summary=text, recipients=user_ids,
                channels=reminder_channels(), actor=None, kind=outbox.VOTE_REMINDER,
                link=reverse("motion_detail", args=[motion.pk]), source=motion,
            )
        reminder.recipients = len(user_ids)
        reminder.save(update_fields=["message", "recipients"])
        audit_record(community=motion.community, actor=None, action="motion.remind", obj=motion,
                     summary={"hours_before": current, "recipients": len(user_ids), "skipped": sorted(skipped)})
        return reminder


def send_due_reminders(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """For every motion in voting: send the mark due now, once. Returns [(motion id, hours_before)] sent."""
    now = now or timezone.now()
    sent = []
    motions = (Motion.objects.filter(status=MotionStatus.VOTING, closes_at__gt=now).exclude(reminder_hours="")
               .order_by("closes_at", "pk"))
    for motion in motions:
        try:
            reminder = motion_remind(motion=motion, now=now)
        except Exception:  # one motion's trouble must not hold back the others' reminders
            log.exception("vote reminder for motion %s failed", motion.pk)
            continue
        if reminder is not None:
            sent.append((motion.pk, reminder.hours_before))
    return sent
