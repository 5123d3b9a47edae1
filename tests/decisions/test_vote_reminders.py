"""Reminding owners who have not voted (DOMAIN §3): at each mark once, only those who may still cast a right."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.decisions import reminders, selectors, services
from governance.decisions.models import Motion
from governance.decisions.models import VoteReminder
from governance.office.models import Delivery, Message
from governance.decisions.tasks import vote_reminders_tick
from governance.registry.models import OwnershipRole, Unit
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import OwnershipFactory, ResidencyFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def expected_sms(motion):
    closes = timezone.localtime(motion.closes_at)
    return f"【小区治理】“更换小区大门门禁”将于 {closes.month}月{closes.day}日 {closes:%H:%M} 截止，您尚未投票。"


@pytest.fixture
def vote():
    """Community A voting on a motion that closes in a week; who may and may not be reminded."""
    community, chair, owners = community_with_owners(4)
    building = community.buildings.get()
    # owners[0] has a co-owner and votes; a second unit is co-owned and nobody has voted for it
    co_of_voter = OwnershipFactory(unit=Unit.objects.get(building=building, room="101"), role=OwnershipRole.CO_OWNER,
                                   position=1, person__user=UserFactory(), verified=True).person.user
    shared = UnitFactory(building=building, room="201")
    shared_primary = OwnershipFactory(unit=shared, person__user=UserFactory(), verified=True).person.user
    shared_co = OwnershipFactory(unit=shared, role=OwnershipRole.CO_OWNER, position=1, person__user=UserFactory(),
                                 verified=True).person.user
    unverified = OwnershipFactory(unit=UnitFactory(building=building, room="301"), person__user=UserFactory(),
                                  verified=False).person.user
    tenant = ResidencyFactory(unit=Unit.objects.get(building=building, room="103"), user=UserFactory()).user
    # community B has owners and a vote of its own, far from any reminder mark
    other, other_chair, other_owners = community_with_owners(2)
    voting_motion(other, other_chair, closes_at=timezone.now() + timedelta(days=30))
    motion = voting_motion(community, chair, closes_at=timezone.now() + timedelta(days=7))
    services.ballot_cast(right=selectors.rights_for_user(motion, owners[0]).get(), choice="agree", actor=owners[0])
    return dict(
        motion=motion, owners=owners, chair=chair, should=[owners[1], owners[2], owners[3], shared_primary, shared_co],
        should_not=[owners[0], co_of_voter, unverified, tenant, chair, *other_owners],
    )


def at(motion, hours_before, minutes=0):
    return motion.closes_at - timedelta(hours=hours_before) + timedelta(minutes=minutes)


def test_the_text_and_the_schedule_parsing():
    motion = Motion(title="关于更换电梯的议案", closes_at=datetime(2025, 11, 30, 18, 0, tzinfo=SHANGHAI))
    assert reminders.reminder_text(motion) == "“关于更换电梯的议案”将于 11月30日 18:00 截止，您尚未投票。"
    assert reminders.parse_reminder_hours("48,4") == [48, 4]
    assert reminders.parse_reminder_hours("4， 48,４８, x, 0, -2") == [48, 4]
    assert reminders.parse_reminder_hours("") == []


def test_at_the_48_hour_mark_only_owners_who_may_still_vote_are_reminded(
        vote, django_capture_on_commit_callbacks, sms_outbox):
    motion = vote["motion"]
    # before the first mark, nothing
    assert reminders.send_due_reminders(now=at(motion, 49)) == []
    # when the scheduler runs an hour after the 48-hour mark
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at(motion, 47)) == [(motion.pk, 48)]
    # then each owner who may cast a right without a ballot gets one SMS and one in-site message
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(user.phone for user in vote["should"])
    assert {sms["message"] for sms in sms_outbox} == {expected_sms(motion)}
    assert sorted(Delivery.objects.filter(channel="insite", status="sent").values_list("recipient_id", flat=True)) \
        == sorted(user.pk for user in vote["should"])
    reached = set(Delivery.objects.values_list("recipient_id", flat=True))
    assert reached.isdisjoint(user.pk for user in vote["should_not"])
    # the message says when the vote closes and that they have not voted: nothing about anyone's choice
    message = Message.objects.get()
    assert (message.kind, message.link, message.title) == ("vote_reminder", f"/votes/{motion.pk}/",
                                                           "投票提醒：更换小区大门门禁")
    assert message.body == expected_sms(motion).removeprefix("【小区治理】") + "请在截止前登录小区治理，在“业主表决”中完成投票。"
    reminder = VoteReminder.objects.get()
    assert (reminder.hours_before, reminder.skipped, reminder.recipients, reminder.message) == (48, False, 5, message)
    event = AuditEvent.objects.get(action="motion.remind")
    assert event.summary == {"hours_before": 48, "recipients": 5, "skipped": []}


def test_a_mark_is_never_sent_twice(vote, django_capture_on_commit_callbacks, sms_outbox):
    motion = vote["motion"]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at(motion, 47)) == [(motion.pk, 48)]
        assert reminders.send_due_reminders(now=at(motion, 47)) == []
        assert reminders.send_due_reminders(now=at(motion, 46, minutes=55)) == []
        assert reminders.send_due_reminders(now=at(motion, 5)) == []
    assert len(sms_outbox) == 5
    assert VoteReminder.objects.count() == 1
    assert Message.objects.count() == 1


def test_the_4_hour_mark_reaches_those_still_not_voted(vote, django_capture_on_commit_callbacks, sms_outbox):
    motion, owners = vote["motion"], vote["owners"]
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due_reminders(now=at(motion, 47))
    services.ballot_cast(right=selectors.rights_for_user(motion, owners[1]).get(), choice="oppose", actor=owners[1])
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at(motion, 3, minutes=50)) == [(motion.pk, 4)]
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(u.phone for u in vote["should"] if u != owners[1])
    assert list(VoteReminder.objects.order_by("-hours_before").values_list("hours_before", "skipped", "recipients")) \
        == [(48, False, 5), (4, False, 4)]


def test_a_late_run_sends_the_latest_missed_mark_once_and_skips_older_ones(
        vote, django_capture_on_commit_callbacks, sms_outbox):
    motion = vote["motion"]
    # given the scheduler was down from before the 48-hour mark until after the 4-hour mark
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at(motion, 3)) == [(motion.pk, 4)]
        assert reminders.send_due_reminders(now=at(motion, 2)) == []
    # then one reminder per person, for the 4-hour mark; the 48-hour mark is recorded as skipped
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(user.phone for user in vote["should"])
    assert list(VoteReminder.objects.order_by("-hours_before").values_list("hours_before", "skipped", "recipients")) \
        == [(48, True, 0), (4, False, 5)]
    assert AuditEvent.objects.get(action="motion.remind").summary == {"hours_before": 4, "recipients": 5,
                                                                       "skipped": [48]}


def test_a_late_run_between_marks_sends_that_mark_and_the_next_one_later(
        vote, django_capture_on_commit_callbacks, sms_outbox):
    motion = vote["motion"]
    Motion.objects.filter(pk=motion.pk).update(reminder_hours="72,48,4")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at(motion, 30)) == [(motion.pk, 48)]
        assert reminders.send_due_reminders(now=at(motion, 3)) == [(motion.pk, 4)]
    assert len(sms_outbox) == 10
    assert list(VoteReminder.objects.order_by("-hours_before").values_list("hours_before", "skipped")) == [
        (72, True), (48, False), (4, False)]


def test_a_mark_that_fell_before_voting_opened_is_skipped(django_capture_on_commit_callbacks, sms_outbox):
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair, closes_at=timezone.now() + timedelta(hours=24))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=timezone.now()) == []
        assert reminders.send_due_reminders(now=at(motion, 3)) == [(motion.pk, 4)]
    assert list(VoteReminder.objects.order_by("-hours_before").values_list("hours_before", "skipped", "recipients")) \
        == [(48, True, 0), (4, False, 2)]
    assert len(sms_outbox) == 2


def test_no_reminders_without_a_schedule_or_after_closing(vote, django_capture_on_commit_callbacks, sms_outbox):
    motion = vote["motion"]
    assert reminders.send_due_reminders(now=motion.closes_at + timedelta(minutes=1)) == []
    Motion.objects.filter(pk=motion.pk).update(reminder_hours="")
    assert reminders.send_due_reminders(now=at(motion, 3)) == []
    assert (VoteReminder.objects.count(), len(sms_outbox)) == (0, 0)


def test_when_everyone_has_voted_the_mark_is_recorded_with_nobody_to_remind(django_capture_on_commit_callbacks,
                                                                             sms_outbox):
    community, chair, owners = community_with_owners(1)
    motion = voting_motion(community, chair)
    services.ballot_cast(right=selectors.rights_for_user(motion, owners[0]).get(), choice="abstain", actor=owners[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(now=at(motion, 47)) == [(motion.pk, 48)]
    assert list(VoteReminder.objects.values_list("hours_before", "recipients", "message")) == [(48, 0, None)]
    assert (Message.objects.count(), len(sms_outbox)) == (0, 0)


def test_the_periodic_task_runs_on_the_clock(django_capture_on_commit_callbacks, sms_outbox):
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair, closes_at=timezone.now() + timedelta(hours=47))
    Motion.objects.filter(pk=motion.pk).update(voting_opened_at=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert vote_reminders_tick.call_local() == [(motion.pk, 48)]
        assert vote_reminders_tick.call_local() == []
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(owner.phone for owner in owners)
