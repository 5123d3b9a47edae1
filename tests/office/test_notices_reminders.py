"""The second reminder (DOMAIN §6): `second_reminder_hours` after a notice went out, the recipients who have
read it on no channel get one reminder on the notice's channels. Once per notice, however often or late the
periodic task runs; readers never get it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.office.models import Delivery, Message, NoticeAudience, NoticeDispatch, NoticePage, NoticeReminder
from governance.office.notices import services
from governance.office.notices.selectors import notice_stats
from governance.office.selectors import messages_about
from governance.office.tasks import notice_reminders_tick
from tests.office.test_notices import add_notice, estate, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def hours_after(notice, hours, minutes=0):
    return NoticeDispatch.objects.get(notice=notice).dispatched_at + timedelta(hours=hours, minutes=minutes)


def reminder_recipients(notice) -> set[int]:
    reminder = NoticeReminder.objects.get(notice=notice)
    return set(Delivery.objects.filter(message=reminder.message).values_list("recipient_id", flat=True))


@pytest.fixture
def sent(estate, publish, sms_outbox):
    """An owners-only notice on in-site and SMS, reminding after 24 hours; owner1 has read it."""
    notice = publish(estate.page, audience=NoticeAudience.OWNERS, second_reminder_hours=24)
    services.notice_mark_read(notice=notice, user=estate.owner1)
    sms_outbox.clear()
    return notice


def test_the_default_comes_from_the_setting(settings, estate):
    assert add_notice(estate.page).second_reminder_hours == 24
    settings.NOTICE_SECOND_REMINDER_HOURS = 6
    assert add_notice(estate.page).second_reminder_hours == 6


def test_nothing_is_sent_before_the_hours_have_passed(estate, sent):
    assert services.notices_remind_due(now=hours_after(sent, 23, 59)) == []
    assert not NoticeReminder.objects.exists()


def test_the_reminder_goes_once_to_the_unread_only(estate, sent, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notices_remind_due(now=hours_after(sent, 24)) == [sent.pk]
    reminder = NoticeReminder.objects.get(notice=sent)
    assert reminder.recipients == 2
    assert reminder_recipients(sent) == {estate.owner2.pk, estate.co_owner.pk}  # owner1 read it
    text = "您有一条通知“停水通知”尚未阅读，请及时查看。"
    assert sorted(sms_outbox, key=lambda m: m["phone"]) == sorted(
        ({"phone": u.phone, "message": f"【小区治理】{text}"} for u in (estate.owner2, estate.co_owner)),
        key=lambda m: m["phone"])
    message = reminder.message
    assert (message.title, message.link, message.kind) == ("通知提醒：停水通知", sent.url, "notice")
    # the notice's own message is still the only message about it; the reminder is about its record
    assert messages_about(sent).count() == 1 and messages_about(reminder).get() == message
    # when the task runs again, or late, or the service is asked directly: nothing more
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notices_remind_due(now=hours_after(sent, 24, 10)) == []
        assert services.notices_remind_due(now=hours_after(sent, 24 * 7)) == []
        assert services.notice_remind(notice=sent, now=hours_after(sent, 48)) is None
        notice_reminders_tick.call_local()
    assert sms_outbox == []
    assert NoticeReminder.objects.count() == 1 and Message.objects.count() == 2
    assert AuditEvent.objects.filter(action="notice.remind").count() == 1


def test_a_late_run_sends_one_reminder_not_a_burst(estate, sent):
    assert services.notices_remind_due(now=hours_after(sent, 24 * 3)) == [sent.pk]
    assert services.notices_remind_due(now=hours_after(sent, 24 * 4)) == []
    assert NoticeReminder.objects.count() == 1


def test_reading_after_the_reminder_marks_both_read_and_counts_once(estate, sent, client):
    services.notices_remind_due(now=hours_after(sent, 25))
    client.force_login(estate.owner2)
    assert client.get(sent.url).status_code == 200
    assert not Delivery.objects.filter(recipient=estate.owner2, read_at__isnull=True).exists()
    stats = notice_stats(sent)
    assert (stats.recipients, stats.read, stats.unread) == (3, 2, 1)


def test_when_everyone_has_read_the_reminder_is_recorded_and_nothing_is_sent(estate, sent):
    for owner in (estate.owner2, estate.co_owner):
        services.notice_mark_read(notice=sent, user=owner)
    assert services.notices_remind_due(now=hours_after(sent, 30)) == [sent.pk]
    reminder = NoticeReminder.objects.get()
    assert (reminder.recipients, reminder.message) == (0, None)
    assert Message.objects.count() == 1


def test_no_reminder_when_hours_are_zero_or_the_notice_was_unpublished(estate, publish):
    never = publish(estate.page, title="不提醒", second_reminder_hours=0)
    withdrawn = publish(estate.page, title="已撤回")
    NoticePage.objects.get(pk=withdrawn.pk).unpublish()
    assert services.notices_remind_due(now=hours_after(never, 24 * 30)) == []
    assert services.notice_remind(notice=never, now=hours_after(never, 24 * 30)) is None
    assert not NoticeReminder.objects.exists()


def test_the_periodic_task_fans_out_lost_notices_and_reminds_due_ones(estate, sent, monkeypatch):
    later = hours_after(sent, 24, 5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert notice_reminders_tick.call_local() == {"fanned_out": [], "reminded": [sent.pk]}
    assert notice_reminders_tick.call_local() == {"fanned_out": [], "reminded": []}
