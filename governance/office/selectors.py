"""Reads for messages, the in-site inbox and to-dos, scoped to the user asking."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from governance.registry import roles
from portal.accounts.models import Membership

from .models import ChannelName, Delivery, DeliveryStatus, Message, Todo

# --- the in-site inbox ----------------------------------------------------------------------------------


def inbox_for(user) -> QuerySet[Delivery]:
    """The user's in-site messages that have been delivered, newest first (each row carries its message)."""
    if not getattr(user, "is_authenticated", False):
        return Delivery.objects.none()
    return (Delivery.objects.filter(recipient=user, channel=ChannelName.INSITE, status=DeliveryStatus.SENT)
            .select_related("message", "message__community").order_by("-pk"))


def inbox_unread_queryset(user) -> QuerySet[Delivery]:
    """The user's delivered in-site messages not read yet (what the inbox badge counts)."""
    return Delivery.objects.filter(recipient=user, channel=ChannelName.INSITE, status=DeliveryStatus.SENT,
                                   read_at__isnull=True)


def _unread_count_sql() -> str:
    """`inbox_unread_queryset(user).count()` as plain SQL (served by the recipient/channel/status/read_at index)."""
    quote = connection.ops.quote_name
    column = {name: quote(Delivery._meta.get_field(name).column) for name in ("recipient", "channel", "status",
                                                                                "read_at")}
    return (f"SELECT COUNT(*) FROM {quote(Delivery._meta.db_table)} WHERE {column['recipient']} = %s"
            f" AND {column['channel']} = %s AND {column['status']} = %s AND {column['read_at']} IS NULL")


def inbox_unread_count(user) -> int:
    """The badge of every signed-in page, so it skips the ORM's query building (which costs several times the
    query itself); `inbox_unread_queryset(user).count()` is the same number (tests/home pins that)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_unread_count_sql(), [user.pk, ChannelName.INSITE.value, DeliveryStatus.SENT.value])
        return cursor.fetchone()[0]


# --- per-message figures (for notices: read rate, second reminders) ------------------------------------


def message_stats(message: Message) -> dict[str, dict[str, int]]:
    """Per channel: how many rows are queued, sending, sent, failed, and read. One query."""
    stats: dict[str, dict[str, int]] = {}
    rows = (Delivery.objects.filter(message=message).values("channel", "status")
            .annotate(n=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False))))
    for row in rows:
        entry = stats.setdefault(row["channel"], {s: 0 for s in DeliveryStatus.values} | {"read": 0})
        entry[row["status"]] += row["n"]
        entry["read"] += row["read"]
    return stats


def message_recipient_count(message: Message) -> int:
    return Delivery.objects.filter(message=message).values("recipient").distinct().count()


def message_read_count(message: Message) -> int:
    """Recipients who have read the message (on any channel)."""
    return (Delivery.objects.filter(message=message, read_at__isnull=False).values("recipient").distinct().count())


def unread_recipients(message: Message) -> QuerySet:
    """Users the message reached in-site who have not read it: the audience of a second reminder."""
    User = get_user_model()
    reached = Delivery.objects.filter(message=message, recipient=OuterRef("pk"), channel=ChannelName.INSITE,
                                      status=DeliveryStatus.SENT)
    read = Delivery.objects.filter(message=message, recipient=OuterRef("pk"), read_at__isnull=False)
    return User.objects.filter(Exists(reached)).exclude(Exists(read)).order_by("pk")


def messages_about(obj) -> QuerySet[Message]:
    """Messages whose source is `obj` (a notice page, a motion, a to-do …)."""
    return Message.objects.filter(source_type=obj._meta.label, source_id=str(obj.pk))


# --- to-dos ----------------------------------------------------------------------------------------------


def todos_for(user) -> QuerySet[Todo]:
    """The user's own to-dos and those of each role the user holds, each only in the communities where the
    user reaches them (own: any membership; role: that role's communities). Never another community's."""
    if not getattr(user, "is_authenticated", False):
        return Todo.objects.none()
    if user.is_superuser:
        return Todo.objects.all()
    visible = Q(assignee=user, community__in=roles.communities_for(user).values("pk"))
    held = set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))
    for role in sorted(held):
        visible |= Q(assignee_role=role, community__in=roles.staff_communities(user, {role}).values("pk"))
    return Todo.objects.filter(visible)


def role_holders(community, role: str) -> QuerySet:
    """Users holding `role` over `community`: directly, through its residents' committee, or its street."""
    User = get_user_model()
    committee = community.residents_committee
    memberships = Membership.objects.filter(active=True, role=role).filter(
        Q(community=community) | Q(residents_committee_id=committee.pk) | Q(street_id=committee.street_id)
    )
    return User.objects.filter(pk__in=memberships.values("user"), is_active=True).order_by("pk")


def todo_recipients(todo: Todo) -> list:
    """Who is reminded of a to-do: its assignee, else every holder of its role in the community."""
    if todo.assignee_id:
        return [todo.assignee] if todo.assignee.is_active else []
    if todo.assignee_role:
        return list(role_holders(todo.community, todo.assignee_role))
    return []
