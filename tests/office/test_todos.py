"""To-dos (智能待办): who sees them, who completes them, and one reminder before they fall due."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.office import selectors, services
from governance.office.models import Delivery, Message, Todo, TodoStatus, TodoTag
from governance.office.tasks import todo_reminders_tick
from portal.accounts.models import Role
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 11, 29, 18, 0, tzinfo=SHANGHAI)


@pytest.fixture
def two_communities():
    """Community A with a chair and a secretary; community B with a secretary of its own."""
    a, b = CommunityFactory(name="甲小区"), CommunityFactory(name="乙小区")
    chair_a = MembershipFactory(community=a, role=Role.COMMITTEE_MEMBER).user
    secretary_a = MembershipFactory(community=a, role=Role.COMMITTEE_SECRETARY).user
    secretary_b = MembershipFactory(community=b, role=Role.COMMITTEE_SECRETARY).user
    return a, b, chair_a, secretary_a, secretary_b


def a_todo(community, actor, **extra):
    fields = dict(tag=TodoTag.SEAL, title="审核用印申请", due_at=NOW + timedelta(hours=20))
    fields.update(extra)
    return services.todo_create(community=community, actor=actor, **fields)


def test_a_todo_for_a_role_is_seen_by_that_role_in_that_community_only(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    todo = a_todo(a, chair_a, assignee_role=Role.COMMITTEE_SECRETARY)
    # the secretary of A sees it; the secretary of B never does, nor does A's chair (another role)
    assert list(selectors.todos_for(secretary_a)) == [todo]
    assert list(selectors.todos_for(secretary_b)) == []
    assert list(selectors.todos_for(chair_a)) == []
    assert list(selectors.todos_for(UserFactory())) == []


def test_a_role_held_in_another_community_does_not_reach_this_one(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    # given B's secretary is also a committee member in A
    MembershipFactory(user=secretary_b, community=a, role=Role.COMMITTEE_MEMBER)
    for_secretaries = a_todo(a, chair_a, assignee_role=Role.COMMITTEE_SECRETARY)
    for_members = a_todo(a, chair_a, assignee_role=Role.COMMITTEE_MEMBER, title="讨论物业续聘")
    b_own = a_todo(b, secretary_b, assignee_role=Role.COMMITTEE_SECRETARY, title="整理档案")
    # then B's secretary sees A's committee to-do and B's secretary to-do, not A's secretary to-do
    assert set(selectors.todos_for(secretary_b)) == {for_members, b_own}
    assert for_secretaries not in selectors.todos_for(secretary_b)


def test_own_todos_are_seen_by_their_assignee_while_a_member(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    mine = a_todo(a, chair_a, assignee=secretary_a, title="回复业主来信")
    assert list(selectors.todos_for(secretary_a)) == [mine]
    assert list(selectors.todos_for(chair_a)) == []
    # when the membership ends, the to-dos of that community are out of reach
    secretary_a.memberships.update(active=False)
    assert list(selectors.todos_for(secretary_a)) == []


def test_a_role_of_a_residents_committee_reaches_its_communities(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    rc_clerk = MembershipFactory(role=Role.RC_STAFF, community=None, residents_committee=a.residents_committee).user
    todo = a_todo(a, chair_a, tag=TodoTag.APPROVAL, title="审核议事事项", assignee_role=Role.RC_STAFF)
    a_todo(b, secretary_b, tag=TodoTag.APPROVAL, title="乙小区审批", assignee_role=Role.RC_STAFF)
    assert list(selectors.todos_for(rc_clerk)) == [todo]
    assert list(selectors.role_holders(a, Role.RC_STAFF)) == [rc_clerk]


def test_create_records_the_link_and_an_audit_event():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair)
    todo = a_todo(community, chair, tag=TodoTag.MOTION, title="答复联名动议", assignee=chair, link=motion,
                  detail="15日内答复")
    todo.refresh_from_db()
    assert (todo.link_type, todo.link_id, todo.linked_object()) == ("decisions.Motion", str(motion.pk), motion)
    assert (todo.status, todo.get_tag_display(), todo.created_by) == (TodoStatus.IN_PROGRESS, "动议", chair)
    event = AuditEvent.objects.get(action="todo.create")
    assert (event.actor, event.object_id) == (chair, str(todo.pk))
    assert event.summary["link"] == f"decisions.Motion:{motion.pk}"


@pytest.mark.parametrize("change, field", [
    (dict(title=""), "title"),
    (dict(tag="party"), "tag"),
    (dict(assignee_role=None), "assignee"),
    (dict(assignee_role="king"), "assignee_role"),
    (dict(status=TodoStatus.DONE), "status"),
])
def test_invalid_todos_are_refused(two_communities, change, field):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    arguments = dict(assignee_role=Role.COMMITTEE_SECRETARY)
    arguments.update(change)
    with pytest.raises(DomainError) as exc:
        a_todo(a, chair_a, **arguments)
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID, field)
    assert Todo.objects.count() == 0


def test_a_todo_cannot_point_at_another_community(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    with pytest.raises(DomainError) as exc:
        a_todo(a, chair_a, assignee=secretary_b)
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID, "assignee")
    community_b, chair_b, _ = community_with_owners(1)
    motion_b = voting_motion(community_b, chair_b)
    with pytest.raises(DomainError) as exc:
        a_todo(a, chair_a, assignee_role=Role.COMMITTEE_SECRETARY, link=motion_b)
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID, "link")
    with pytest.raises(DomainError) as exc:
        a_todo(a, secretary_b, assignee_role=Role.COMMITTEE_SECRETARY)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert Todo.objects.count() == 0


def test_complete_by_a_holder_of_the_role_and_not_by_others(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    todo = a_todo(a, chair_a, assignee_role=Role.COMMITTEE_SECRETARY)
    for outsider in (secretary_b, chair_a):
        with pytest.raises(DomainError) as exc:
            services.todo_complete(todo=todo, actor=outsider)
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
    todo.refresh_from_db()
    assert (todo.status, todo.completed_at) == (TodoStatus.IN_PROGRESS, None)
    done = services.todo_complete(todo=todo, actor=secretary_a)
    assert (done.status, done.completed_by) == (TodoStatus.DONE, secretary_a)
    assert done.completed_at is not None
    assert AuditEvent.objects.filter(action="todo.complete", object_id=str(todo.pk)).count() == 1
    with pytest.raises(DomainError) as exc:
        services.todo_complete(todo=todo, actor=secretary_a)
    assert exc.value.code == ErrorCode.INVALID


def test_todos_about_a_record_close_with_it():
    community, chair, owners = community_with_owners(1)
    motion = voting_motion(community, chair)
    first = a_todo(community, chair, assignee=chair, link=motion)
    a_todo(community, chair, assignee=chair, title="无关待办")
    assert services.todos_complete_linked(link=motion) == 1
    assert services.todos_complete_linked(link=motion) == 0
    assert list(Todo.objects.filter(status=TodoStatus.DONE)) == [first]


def test_due_todos_are_reminded_once_in_site_and_by_sms(two_communities, django_capture_on_commit_callbacks,
                                                          sms_outbox):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    second_secretary = MembershipFactory(community=a, role=Role.COMMITTEE_SECRETARY).user
    due_soon = a_todo(a, chair_a, assignee_role=Role.COMMITTEE_SECRETARY, due_at=NOW + timedelta(hours=23))
    mine = a_todo(a, chair_a, assignee=chair_a, title="签署合同", due_at=NOW - timedelta(hours=2))
    a_todo(a, chair_a, assignee=chair_a, title="下周的事", due_at=NOW + timedelta(hours=25))
    a_todo(a, chair_a, assignee=chair_a, title="没有期限", due_at=None)
    finished = a_todo(a, chair_a, assignee=chair_a, title="已办完", due_at=NOW + timedelta(hours=1))
    services.todo_complete(todo=finished, actor=chair_a)
    # when the reminder runs
    with django_capture_on_commit_callbacks(execute=True):
        assert services.todos_remind_due(now=NOW) == [mine.pk, due_soon.pk]
    # then the role's holders and the assignee are told once, in-site and by SMS
    assert sorted((sms["phone"], sms["message"]) for sms in sms_outbox) == sorted([
        (secretary_a.phone, "【小区治理】待办“审核用印申请”将于 11月30日 17:00 到期，请及时办理。"),
        (second_secretary.phone, "【小区治理】待办“审核用印申请”将于 11月30日 17:00 到期，请及时办理。"),
        (chair_a.phone, "【小区治理】待办“签署合同”已于 11月29日 16:00 到期，请尽快办理。"),
    ])
    assert sorted(Delivery.objects.filter(channel="insite").values_list("recipient_id", flat=True)) == sorted(
        [secretary_a.pk, second_secretary.pk, chair_a.pk])
    assert Message.objects.filter(kind="todo").count() == 2
    assert set(Todo.objects.exclude(reminded_at=None).values_list("pk", flat=True)) == {mine.pk, due_soon.pk}
    # when it runs again, later, nothing more is sent
    with django_capture_on_commit_callbacks(execute=True):
        assert services.todos_remind_due(now=NOW + timedelta(minutes=10)) == []
    assert len(sms_outbox) == 3
    assert secretary_b.phone not in {sms["phone"] for sms in sms_outbox}


def test_the_periodic_task_reminds_by_the_clock(django_capture_on_commit_callbacks, sms_outbox):
    community, chair, owners = community_with_owners(1)
    soon = a_todo(community, chair, assignee=chair, due_at=timezone.now() + timedelta(hours=3))
    a_todo(community, chair, assignee=chair, title="后天", due_at=timezone.now() + timedelta(hours=48))
    with django_capture_on_commit_callbacks(execute=True):
        assert todo_reminders_tick.call_local() == [soon.pk]
        assert todo_reminders_tick.call_local() == []
    assert [sms["phone"] for sms in sms_outbox] == [chair.phone]


def test_the_tag_may_be_given_by_its_chinese_label(two_communities):
    a, b, chair_a, secretary_a, secretary_b = two_communities
    todo = a_todo(a, None, tag="联名", assignee_role=Role.COMMITTEE_MEMBER)
    assert (todo.tag, todo.get_tag_display()) == (TodoTag.JOINT_MOTION, "联名")
    assert todo.created_by is None
