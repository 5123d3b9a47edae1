"""The audit trail is append-only and hash-chained per community; tampering is found by verify_audit."""

import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from governance.audit.models import AppendOnlyError, AuditChain, AuditEvent
from governance.audit.services import audit_record, verify_all
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _record(community, n, actor=None):
    with transaction.atomic():
        return [
            audit_record(community=community, actor=actor, action="test.event", object_type="test", object_id=str(i),
                         summary={"i": i, "area": "89.25", "名字": "王建国"})
            for i in range(n)
        ]


def _run_verify():
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_events_chain_per_community_with_sequence_and_previous_hash():
    a, b = CommunityFactory(), CommunityFactory()
    events_a = _record(a, 3)
    events_b = _record(b, 2)
    assert [e.seq for e in events_a] == [1, 2, 3]
    assert [e.seq for e in events_b] == [1, 2]
    assert events_a[1].prev_hash == events_a[0].hash
    assert events_a[0].prev_hash == "0" * 64
    assert events_b[0].prev_hash == "0" * 64
    assert verify_all() == []


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    community = CommunityFactory()
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        audit_record(community=community, actor=None, action="x")


def test_intact_chain_exits_zero():
    _record(CommunityFactory(), 4)
    code, out, err = _run_verify()
    assert code == 0
    assert "留痕链完整" in out and "4 条记录" in out


def test_orm_updates_and_deletes_are_refused():
    event = _record(CommunityFactory(), 1)[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "column,value",
    [
        ("action", "'ballot.cast'"),
        ("summary", "'{\"i\": 99}'"),
        ("actor_label", "'someone else'"),
        ("object_id", "'999'"),
    ],
)
def test_a_direct_database_edit_is_found_and_named(column, value):
    community = CommunityFactory()
    events = _record(community, 5)
    target = events[2]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_auditevent SET {column} = {value} WHERE id = %s", [target.pk])
    code, out, err = _run_verify()
    assert code == 1
    assert f"id={target.pk}" in err and "序号=3" in err
    assert "记录内容与哈希不符" in err


def test_rehashing_an_edited_event_breaks_the_next_link():
    community = CommunityFactory()
    events = _record(community, 4)
    target = events[1]
    # A forger who edits a row and recomputes its own hash still breaks the following event's prev_hash.
    forged = AuditEvent.objects.get(pk=target.pk)
    forged.summary = {"i": 42}
    from governance.audit.services import event_hash

    new_hash = event_hash(forged, forged.chain.key)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE id = %s",
            [json.dumps({"i": 42}), new_hash, target.pk],
        )
    code, out, err = _run_verify()
    assert code == 1
    assert f"id={events[2].pk}" in err and "前一哈希" in err


def test_deleting_the_last_event_is_found():
    community = CommunityFactory()
    events = _record(community, 3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    code, out, err = _run_verify()
    assert code == 1
    assert "链尾与最后一条记录不符" in err


def test_deleting_a_middle_event_is_found_as_a_gap():
    community = CommunityFactory()
    events = _record(community, 3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    code, out, err = _run_verify()
    assert code == 1
    assert f"id={events[2].pk}" in err and "序号不连续" in err


def test_other_communities_chains_are_unaffected_by_tampering():
    a, b = CommunityFactory(), CommunityFactory()
    events_a = _record(a, 2)
    _record(b, 2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [events_a[0].pk])
    problems = verify_all()
    assert [p.chain_key for p in problems] == [str(a.pk)]


def test_actor_is_recorded_with_label():
    user = UserFactory(display_name="审计员")
    event = _record(CommunityFactory(), 1, actor=user)[0]
    assert event.actor == user and event.actor_label == "审计员"
    assert AuditChain.objects.get(community=event.community).last_hash == event.hash


def test_phone_and_id_numbers_in_a_summary_are_stored_masked_and_the_chain_still_verifies():
    community = CommunityFactory()
    with transaction.atomic():
        event = audit_record(
            community=community, actor=None, action="test.event", object_type="test", object_id="1",
            object_repr="业主 13812345678 的反馈",
            summary={"note": "请回电 +86 138-1234-5678", "owners": [{"id": "110101 19900307 123X"}],
                     "370102199001011234": 2, "area": "89.25"})
    event.refresh_from_db()
    assert event.summary == {"note": "请回电 +86 138****5678", "owners": [{"id": "1101**********123X"}],
                             "3701**********1234": 2, "area": "89.25"}
    assert event.object_repr == "业主 138****5678 的反馈"
    assert verify_all() == []
