"""Reads for notices: who a notice goes to, a community's notices with the user's read state, statistics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from governance.registry.models import Ownership, Person, Residency, Unit
from governance.registry import roles
from portal.masking import mask_phone
from portal.params import parse_id

from ..models import (
    ChannelName,
    Delivery,
    DeliveryStatus,
    Message,
    MessageKind,
    NoticeAudience,
    NoticeConfirmation,
    NoticeDispatch,
    NoticePage,
    NoticeScope,
)
from ..selectors import messages_about

NOTICE_LABEL = "office.NoticePage"

# --- the audience --------------------------------------------------------------------------------------


def notice_units(notice: NoticePage) -> QuerySet[Unit]:
    """Units in the notice's scope: the whole community, or its chosen buildings (only those of the community)."""
    units = Unit.objects.filter(community_id=notice.community_id)
    if notice.scope_kind == NoticeScope.BUILDINGS:
        building_ids = [b.pk for b in notice.scope_buildings.all() if b.community_id == notice.community_id]
        units = units.filter(building_id__in=building_ids)
    return units


def notice_recipient_ids(notice: NoticePage) -> list[int]:
    """Users the notice goes to, deduplicated, ascending. Two queries at most.

    Owners only: users linked to a verified, active ownership of a unit in scope. All residents: those and
    users with a verified, active residency of a unit in scope. Units are the notice's community's only, so
    nobody of another community is ever included; inactive accounts are left out.
    """
    if notice.community_id is None:
        return []
    units = notice_units(notice)
    ids = set(Ownership.objects.filter(unit__in=units, verified=True, ends_on__isnull=True,
                                       person__user__isnull=False, person__user__is_active=True)
              .values_list("person__user_id", flat=True))
    if notice.audience == NoticeAudience.ALL_RESIDENTS:
        ids |= set(Residency.objects.filter(unit__in=units, verified=True, ends_on__isnull=True,
                                            user__is_active=True).values_list("user_id", flat=True))
    return sorted(ids)


def notice_message(notice: NoticePage) -> Message | None:
    """The message the notice was fanned out as (None before its fan-out, or when it reached nobody)."""
    dispatch = NoticeDispatch.objects.filter(notice_id=notice.pk).select_related("message").first()
    if dispatch is not None and dispatch.message_id:
        return dispatch.message
    return messages_about(notice).filter(kind=MessageKind.NOTICE).order_by("pk").first()


# --- what a member sees --------------------------------------------------------------------------------


def notices_for(user, community) -> QuerySet[NoticePage]:
    """Live notices of a community, newest first; nothing unless the user is a member of it."""
    if not getattr(user, "is_authenticated", False) or not roles.is_member(user, community):
        return NoticePage.objects.none()
    return NoticePage.objects.live().filter(community=community).order_by("-first_published_at", "-pk")


def visible_notice(user, notice_id) -> NoticePage | None:
    """The live notice with this id if the user is a member of its community, else None."""
    if not getattr(user, "is_authenticated", False) or parse_id(notice_id) is None:
        return None
    notice = NoticePage.objects.live().select_related("community").filter(pk=parse_id(notice_id)).first()
    if notice is None or notice.community_id is None:
        return None
    if not roles.communities_for(user).filter(pk=notice.community_id).exists():
        return None
    return notice


@dataclass(frozen=True)
class NoticeState:
    """A notice as one user stands to it."""

    is_recipient: bool = False
    read_at: datetime | None = None
    confirmed_at: datetime | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


def notice_states(user, notices: Iterable[NoticePage]) -> dict[int, NoticeState]:
    """Per notice: is the user a recipient, when did they read it, when did they confirm it. Two queries."""
    notices = list(notices)
    states = {notice.pk: NoticeState() for notice in notices}
    if not notices or not getattr(user, "is_authenticated", False):
        return states
    rows = (Delivery.objects.filter(recipient=user, message__kind=MessageKind.NOTICE,
                                    message__source_type=NOTICE_LABEL,
                                    message__source_id__in=[str(n.pk) for n in notices])
            .order_by().values("message__source_id").annotate(read_at=Min("read_at")))
    delivered = {int(row["message__source_id"]): row["read_at"] for row in rows}
    confirmed = dict(NoticeConfirmation.objects.filter(user=user, notice_id__in=[n.pk for n in notices])
                     .values_list("notice_id", "confirmed_at"))
    for notice in notices:
        states[notice.pk] = NoticeState(is_recipient=notice.pk in delivered, read_at=delivered.get(notice.pk),
                                        confirmed_at=confirmed.get(notice.pk))
    return states


def is_recipient(notice: NoticePage, user) -> bool:
    message = notice_message(notice)
    return message is not None and Delivery.objects.filter(message=message, recipient=user).exists()


# --- statistics for staff ----------------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    """Display only: 2 of 3 → "66.7" (tenths, half up, from integers; never a float)."""
    if whole <= 0:
        return "0.0"
    tenths = (part * 1000 * 2 + whole) // (whole * 2)
    return f"{tenths // 10}.{tenths % 10}"


@dataclass
class ChannelStats:
    channel: str
    label: str
    total: int = 0
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    read: int = 0

    @property
    def sent_percent(self) -> str:
        return percent(self.sent, self.total)


@dataclass
class NoticeStats:
    """Exact counts of people (a recipient on two channels counts once); percentages are for display."""

    recipients: int = 0
    delivered: int = 0  # reached on at least one channel
    read: int = 0
    confirmed: int = 0
    unread: int = 0
    channels: list[ChannelStats] = field(default_factory=list)

    @property
    def read_percent(self) -> str:
        return percent(self.read, self.recipients)

    @property
    def delivered_percent(self) -> str:
        return percent(self.delivered, self.recipients)

    @property
    def confirmed_percent(self) -> str:
        return percent(self.confirmed, self.recipients)


def notice_stats(notice: NoticePage, message: Message | None = None) -> NoticeStats:
    """Recipients, delivered, read, confirmed and per-channel figures of a notice. Three queries."""
    message = message if message is not None else notice_message(notice)
    if message is None:
        return NoticeStats()
    rows = Delivery.objects.filter(message=message)
    people = rows.aggregate(
        recipients=Count("recipient", distinct=True),
        delivered=Count("recipient", distinct=True, filter=Q(status=DeliveryStatus.SENT)),
        read=Count("recipient", distinct=True, filter=Q(read_at__isnull=False)),
    )
    labels = dict(ChannelName.choices)
    per_channel: dict[str, ChannelStats] = {}
    for row in (rows.order_by().values("channel", "status")
                .annotate(n=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))):
        entry = per_channel.setdefault(row["channel"],
                                       ChannelStats(row["channel"], str(labels.get(row["channel"], row["channel"]))))
        setattr(entry, row["status"], getattr(entry, row["status"]) + row["n"])
        entry.total += row["n"]
        entry.read += row["read"]
    order = list(ChannelName.values)
    channels = sorted(per_channel.values(), key=lambda c: (order.index(c.channel) if c.channel in order else 99))
    confirmed = NoticeConfirmation.objects.filter(
        notice_id=notice.pk, user_id__in=rows.values("recipient")).count()
    return NoticeStats(recipients=people["recipients"], delivered=people["delivered"], read=people["read"],
                       confirmed=confirmed, unread=people["recipients"] - people["read"], channels=channels)


def unread_user_ids(message: Message) -> QuerySet:
    """Recipients of the message (any channel) who have read it on none: the audience of the second reminder."""
    User = get_user_model()
    reached = Delivery.objects.filter(message=message, recipient=OuterRef("pk"))
    read = Delivery.objects.filter(message=message, recipient=OuterRef("pk"), read_at__isnull=False)
    return User.objects.filter(Exists(reached)).exclude(Exists(read)).order_by("pk").values_list("pk", flat=True)


@dataclass(frozen=True)
class UnreadRow:
    name: str
    masked_phone: str


def notice_unread(notice: NoticePage, *, limit: int | None = None) -> list[UnreadRow]:
    """The still-unread recipients as staff may see them: a name and a masked phone, nothing else.

    The name is the one on the community's roster (owner) or residency (tenant), else the account's display
    name. Four queries for any number of rows.
    """
    message = notice_message(notice)
    if message is None:
        return []
    ids = list(unread_user_ids(message)[:limit] if limit else unread_user_ids(message))
    if not ids:
        return []
    User = get_user_model()
    users = {u["pk"]: u for u in User.objects.filter(pk__in=ids).values("pk", "phone", "display_name")}
    names: dict[int, str] = dict(Residency.objects.filter(unit__community_id=notice.community_id, user_id__in=ids)
                                 .order_by("pk").values_list("user_id", "name"))
    roster = dict(Person.objects.filter(community_id=notice.community_id, user_id__in=ids)
                  .order_by("pk").values_list("user_id", "name"))
    names.update({k: v for k, v in roster.items() if v})  # the roster name wins over a residency's
    rows = []
    for pk in ids:
        user = users.get(pk)
        if user is None:
            continue
        rows.append(UnreadRow(name=names.get(pk) or user["display_name"] or "—",
                              masked_phone=mask_phone(user["phone"])))
    return rows
