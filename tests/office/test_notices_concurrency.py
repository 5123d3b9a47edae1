"""On PostgreSQL: fan-out runs and reminder runs of one notice racing each other still send it once."""

from datetime import timedelta

import pytest

from governance.office.models import Delivery, Message, NoticeAudience, NoticeDispatch, NoticeReminder
from governance.office.notices import services
from tests.concurrency import run_threads
from tests.office.test_notices import add_notice, estate  # noqa: F401 (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_fan_out_runs_at_once_send_the_notice_once(estate, monkeypatch, sms_outbox):
    monkeypatch.setattr(services, "_enqueue_fanout", lambda notice_id: None)  # the runs below fan out
    notice = add_notice(estate.page, publish=True, audience=NoticeAudience.OWNERS, channels=["sms"])
    outcomes = run_threads([lambda: services.notice_publish_fanout(notice=notice)] * 4)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert len({o[1].pk for o in outcomes}) == 1
    assert Message.objects.count() == 1 and NoticeDispatch.objects.count() == 1
    assert Delivery.objects.count() == 3
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(u.phone for u in estate.owners)


def test_four_reminder_runs_at_once_send_one_reminder(estate, monkeypatch, sms_outbox):
    notice = add_notice(estate.page, publish=True, audience=NoticeAudience.OWNERS, channels=["sms"])
    dispatch = NoticeDispatch.objects.get(notice=notice)
    sms_outbox.clear()
    later = dispatch.dispatched_at + timedelta(hours=25)
    outcomes = run_threads([lambda: services.notices_remind_due(now=later)] * 4)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert sorted(len(o[1]) for o in outcomes) == [0, 0, 0, 1]
    assert list(NoticeReminder.objects.values_list("recipients", flat=True)) == [3]
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted(u.phone for u in estate.owners)
