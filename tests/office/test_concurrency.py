"""On PostgreSQL: sending runs and reminder runs racing each other still reach each person once."""

from datetime import timedelta

import pytest

from governance.decisions import reminders
from governance.office import services
from governance.decisions.models import VoteReminder
from governance.office.models import Delivery
from tests.decisions.factories import community_with_owners, voting_motion

from tests.concurrency import run_threads  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_sending_runs_at_once_hand_each_delivery_over_once(memory_channel, monkeypatch):
    community, chair, owners = community_with_owners(30)
    monkeypatch.setattr(services, "_enqueue_delivery", lambda message_id, channel: None)  # the runs below send
    message = services.message_send(community=community, title="停电通知", body="", recipients=owners,
                                    channels=["sms"], actor=chair)
    outcomes = run_threads([lambda: services.deliveries_send(message=message, channel="sms", batch_size=3)] * 4)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert sum(o[1]["sent"] for o in outcomes) == 30
    assert sorted(entry["recipient"] for entry in memory_channel.outbox) == sorted(o.pk for o in owners)
    assert Delivery.objects.filter(message=message, status="sent").count() == 30


def test_four_reminder_runs_at_once_send_one_reminder(sms_outbox, monkeypatch):
    community, chair, owners = community_with_owners(6)
    motion = voting_motion(community, chair)
    now = motion.closes_at - timedelta(hours=47)
    outcomes = run_threads([lambda: reminders.send_due_reminders(now=now)] * 4)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert sorted(len(o[1]) for o in outcomes) == [0, 0, 0, 1]
    assert list(VoteReminder.objects.values_list("hours_before", "recipients")) == [(48, 6)]
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(owner.phone for owner in owners)
