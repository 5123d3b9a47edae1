"""Sending a message: fan-out to one delivery per recipient per channel, each sent once, failures kept, reads."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.office import selectors, services
from governance.office.models import Delivery, DeliveryStatus, Message, MessageKind
from governance.office.tasks import deliveries_sweep_tick, message_deliver_task
from portal.accounts.models import Role
from tests.decisions.factories import community_with_owners
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def send(community, actor, recipients, channels=("insite", "sms"), **extra):
    fields = dict(title="停水通知", body="因管道检修，6月1日 9:00–17:00 停水，请提前储水。", summary="6月1日 9:00–17:00 停水",
                  link="/notices/7/")
    fields.update(extra)
    return services.message_send(community=community, recipients=recipients, channels=list(channels), actor=actor,
                                 **fields)


def rows(message):
    return sorted(Delivery.objects.filter(message=message).values_list("channel", "recipient_id", "status"))


def test_fan_out_writes_one_delivery_per_recipient_per_channel_and_sends_each_after_commit(
        django_capture_on_commit_callbacks, sms_outbox):
    community, chair, owners = community_with_owners(3)
    # given three owners, the first listed twice
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send(community, chair, owners + [owners[0]])
    # then the rows are written, queued, and nothing is sent before the commit
    assert rows(message) == sorted([(channel, owner.pk, "queued") for channel in ("insite", "sms") for owner in owners])
    assert sms_outbox == []
    assert len(callbacks) == 2  # one sending task per channel
    # when the transaction commits
    for callback in callbacks:
        callback()
    # then each row is sent once
    assert rows(message) == sorted([(channel, owner.pk, "sent") for channel in ("insite", "sms") for owner in owners])
    assert sms_outbox == [{"phone": owner.phone, "message": "【小区治理】6月1日 9:00–17:00 停水"} for owner in owners]
    assert Delivery.objects.filter(message=message, sent_at__isnull=True).count() == 0


def test_running_the_sending_task_twice_sends_nothing_more(django_capture_on_commit_callbacks, sms_outbox):
    community, chair, owners = community_with_owners(3)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(community, chair, owners, channels=["sms"])
    sent_at = list(Delivery.objects.filter(message=message).order_by("pk").values_list("sent_at", flat=True))
    # when the task runs again (a retry, a duplicate enqueue, the sweeper)
    assert message_deliver_task.call_local(message.pk, "sms") == {"sent": 0, "failed": 0}
    assert message_deliver_task.call_local(message.pk, "sms") == {"sent": 0, "failed": 0}
    # then nobody gets a second text and nothing changes
    assert len(sms_outbox) == 3
    assert list(Delivery.objects.filter(message=message).order_by("pk").values_list("sent_at", flat=True)) == sent_at


def test_sending_goes_in_batches_and_leaves_rows_claimed_by_another_run_alone(memory_channel):
    community, chair, owners = community_with_owners(5)
    message = send(community, chair, owners, channels=["sms"])  # no commit: nothing sent yet
    # given another worker has claimed the second owner's row
    Delivery.objects.filter(message=message, recipient=owners[1]).update(
        status=DeliveryStatus.SENDING, claim="other-worker", claimed_at=timezone.now())
    # when this run sends in batches of two
    assert services.deliveries_send(message=message, channel="sms", batch_size=2) == {"sent": 4, "failed": 0}
    # then every other row was handed over exactly once, and the claimed one not at all
    assert sorted(entry["recipient"] for entry in memory_channel.outbox) == sorted(
        o.pk for i, o in enumerate(owners) if i != 1)
    assert Delivery.objects.get(message=message, recipient=owners[1]).status == DeliveryStatus.SENDING


def test_failures_are_recorded_with_their_error_text_and_do_not_stop_the_batch(
        django_capture_on_commit_callbacks, memory_channel):
    community, chair, owners = community_with_owners(4)
    memory_channel.failures.update({owners[1].pk: "号码已停机", owners[2].pk: RuntimeError("网关超时")})
    with django_capture_on_commit_callbacks(execute=True):
        message = send(community, chair, owners, channels=["sms"])
    outcome = {d.recipient_id: (d.status, d.error) for d in Delivery.objects.filter(message=message)}
    assert outcome == {
        owners[0].pk: ("sent", ""),
        owners[1].pk: ("failed", "号码已停机"),
        owners[2].pk: ("failed", "RuntimeError: 网关超时"),
        owners[3].pk: ("sent", ""),
    }
    assert Delivery.objects.get(message=message, recipient=owners[1]).sent_at is None
    assert selectors.message_stats(message) == {
        "sms": {"queued": 0, "sending": 0, "sent": 2, "failed": 2, "read": 0}}
    # a failed row is not retried by running the task again
    assert message_deliver_task.call_local(message.pk, "sms") == {"sent": 0, "failed": 0}
    assert [entry["recipient"] for entry in memory_channel.outbox] == [owners[0].pk, owners[3].pk]


def test_the_real_sms_channel_records_a_missing_phone(django_capture_on_commit_callbacks, sms_outbox):
    community, chair, owners = community_with_owners(1)
    owners[0].phone = None
    owners[0].save()
    with django_capture_on_commit_callbacks(execute=True):
        message = send(community, chair, owners, channels=["sms"])
    delivery = Delivery.objects.get(message=message)
    assert (delivery.status, delivery.error) == ("failed", "用户没有可用的手机号")
    assert sms_outbox == []


def test_the_message_and_its_audit_event(django_capture_on_commit_callbacks):
    community, chair, owners = community_with_owners(2)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(community, chair, owners, source=community)
    message.refresh_from_db()
    assert (message.kind, message.title, message.link, message.created_by) == ("notice", "停水通知", "/notices/7/", chair)
    assert (message.source_type, message.source_id) == ("registry.Community", str(community.pk))
    assert list(selectors.messages_about(community)) == [message]
    event = AuditEvent.objects.get(action="message.send")
    assert (event.community, event.actor, event.object_id) == (community, chair, str(message.pk))
    assert event.summary == {"kind": "notice", "channels": ["insite", "sms"], "recipients": 2,
                             "source": "registry.Community"}


def test_the_number_of_queries_does_not_grow_with_the_recipients():
    community, chair, owners = community_with_owners(2)
    many = owners + [UserFactory() for _ in range(40)]
    send(community, chair, owners[:1])  # the community's audit chain now exists
    with CaptureQueriesContext(connection) as few_queries:
        send(community, chair, owners[:2])
    with CaptureQueriesContext(connection) as many_queries:
        send(community, chair, many)
    assert len(many_queries) == len(few_queries)
    assert Delivery.objects.count() == 1 * 2 + 2 * 2 + 42 * 2


@pytest.mark.parametrize("change, field", [
    (dict(title="  "), "title"),
    (dict(channels=[]), "channels"),
    (dict(channels=["insite", "fax"]), "channels"),
    (dict(recipients=[]), "recipients"),
    (dict(kind="gossip"), "kind"),
    (dict(link="javascript:alert(1)"), "link"),
    (dict(link="//evil.example/"), "link"),
])
def test_invalid_input_is_refused_and_nothing_is_written(change, field):
    community, chair, owners = community_with_owners(1)
    arguments = dict(community=community, title="停水通知", body="正文", recipients=owners, channels=["insite"],
                     actor=chair)
    arguments.update(change)
    with pytest.raises(DomainError) as exc:
        services.message_send(**arguments)
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID, field)
    assert (Message.objects.count(), Delivery.objects.count()) == (0, 0)


def test_only_staff_of_the_community_may_send():
    community, chair, owners = community_with_owners(1)
    other_chair = community_with_owners(1)[1]
    property_staff = MembershipFactory(community=community, role=Role.PROPERTY_STAFF).user
    for outsider in (owners[0], other_chair):
        with pytest.raises(DomainError) as exc:
            send(community, outsider, owners)
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert Message.objects.count() == 0
    assert send(community, property_staff, owners).created_by == property_staff
    assert send(community, None, owners).created_by is None  # the system


def test_mark_read_once_and_the_unread_count(django_capture_on_commit_callbacks):
    community, chair, owners = community_with_owners(2)
    with django_capture_on_commit_callbacks(execute=True):
        first = send(community, chair, owners, title="第一条")
        send(community, chair, owners, title="第二条")
    reader = owners[0]
    assert selectors.inbox_unread_count(reader) == 2
    assert [d.message.title for d in selectors.inbox_for(reader)] == ["第二条", "第一条"]
    # when the owner reads the first message
    assert services.delivery_mark_read(message=first, user=reader) is True
    read_at = Delivery.objects.get(message=first, recipient=reader, channel="insite").read_at
    assert read_at is not None
    # then it is read (on every channel's row), once; the other owner's copy is untouched
    assert services.delivery_mark_read(message=first, user=reader) is False
    assert Delivery.objects.get(message=first, recipient=reader, channel="insite").read_at == read_at
    assert Delivery.objects.filter(message=first, recipient=reader, read_at__isnull=True).count() == 0
    assert Delivery.objects.filter(message=first, recipient=owners[1], read_at__isnull=False).count() == 0
    assert selectors.inbox_unread_count(reader) == 1
    assert selectors.message_read_count(first) == 1
    assert list(selectors.unread_recipients(first)) == [owners[1]]
    assert services.delivery_mark_all_read(user=reader) == 1
    assert selectors.inbox_unread_count(reader) == 0


def test_messages_not_yet_sent_are_not_in_the_inbox():
    community, chair, owners = community_with_owners(1)
    send(community, chair, owners, channels=["insite"])  # never committed: still queued
    assert list(selectors.inbox_for(owners[0])) == []
    assert selectors.inbox_unread_count(owners[0]) == 0


def test_the_sweeper_fails_rows_stuck_in_sending_and_requeues_lost_ones(sms_outbox):
    community, chair, owners = community_with_owners(3)
    message = send(community, chair, owners, channels=["sms"])  # its task never ran
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    stuck = Delivery.objects.get(message=message, recipient=owners[0])
    Delivery.objects.filter(pk=stuck.pk).update(status=DeliveryStatus.SENDING, claim="dead-worker",
                                                claimed_at=timezone.now() - timedelta(hours=1))
    assert deliveries_sweep_tick.call_local() == {"failed_stale": 1, "requeued": 1}
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", "发送中断：无法确认是否送达，未重发以免重复。")
    assert sorted(sms["phone"] for sms in sms_outbox) == sorted([owners[1].phone, owners[2].phone])
    assert deliveries_sweep_tick.call_local() == {"failed_stale": 0, "requeued": 0}


def test_a_vote_reminder_kind_is_kept_on_the_message():
    community, chair, owners = community_with_owners(1)
    message = send(community, None, owners, kind=MessageKind.VOTE_REMINDER)
    assert message.get_kind_display() == "投票提醒"
