"""Reads for experts, slots and bookings. Bookings are scoped at the queryset: another community's booking is
never fetched. Lists load their relations here (select_related / prefetch) so templates and GraphQL types
only read attributes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.images import get_image_model

from portal.accounts.models import Membership, Role

from . import permissions
from .models import HOLDING_STATUSES, Booking, BookingStatus, ExpertProfile, ExpertSlot

PHOTO_SPEC = "fill-240x240"


def min_lead() -> timedelta:
    return timedelta(hours=getattr(settings, "EXPERT_BOOKING_MIN_LEAD_HOURS", 2))


def max_open_bookings() -> int:
    return getattr(settings, "EXPERT_MAX_OPEN_BOOKINGS", 3)


def holding_booking_q(slot_ref: str = "pk") -> Exists:
    """An Exists() that the slot (OuterRef `slot_ref`) holds a pending or confirmed booking."""
    return Exists(Booking.objects.filter(slot=OuterRef(slot_ref), status__in=HOLDING_STATUSES))


# --- experts -----------------------------------------------------------------------------------------------


def listed_experts() -> QuerySet[ExpertProfile]:
    """Published profiles whose user holds an active expert membership (the rule of `permissions.is_bookable`)."""
    active_expert = Membership.objects.filter(user=OuterRef("user"), role=Role.EXPERT, active=True)
    return ExpertProfile.objects.filter(Exists(active_expert), live=True, user__is_active=True)


def upcoming_slots(now=None) -> QuerySet[ExpertSlot]:
    """Live slots that have not started, oldest first, each annotated with `held` (a booking holds it)."""
    now = now or timezone.now()
    return (ExpertSlot.objects.filter(cancelled_at__isnull=True, starts_at__gt=now)
            .annotate(held=holding_booking_q()).order_by("starts_at", "pk"))


def experts_with_slots(queryset=None, now=None) -> QuerySet[ExpertProfile]:
    """Listed experts with their photo renditions and upcoming slots prefetched: a fixed number of queries."""
    queryset = listed_experts() if queryset is None else queryset
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=PHOTO_SPEC)
    return (queryset.select_related("photo")
            .prefetch_related(Prefetch("photo__renditions", queryset=renditions),
                              Prefetch("slots", queryset=upcoming_slots(now)))
            .order_by("name", "pk"))


def listed_expert(expert_id) -> ExpertProfile | None:
    try:
        return experts_with_slots().filter(pk=int(expert_id)).first()
    except (TypeError, ValueError):
        return None


def photo_url(profile: ExpertProfile) -> str:
    if profile.photo_id is None or profile.photo is None:
        return ""
    return profile.photo.get_rendition(PHOTO_SPEC).url


@dataclass(frozen=True)
class SlotState:
    """How a slot is shown publicly: 可预约 / 已约满 / 已截止预约, never who booked it."""

    available: bool
    held: bool
    label: str


def slot_state(slot: ExpertSlot, now=None) -> SlotState:
    """Needs `held` (annotated by `upcoming_slots`) or reads it with one query."""
    now = now or timezone.now()
    held = getattr(slot, "held", None)
    if held is None:
        held = slot.bookings.filter(status__in=HOLDING_STATUSES).exists()
    if slot.cancelled_at is not None:
        return SlotState(False, held, "已取消")
    if held:
        return SlotState(False, True, "已约满")
    if slot.starts_at < now + min_lead():
        return SlotState(False, False, "已截止预约")
    return SlotState(True, False, "可预约")


def expert_for_user(user) -> ExpertProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ExpertProfile.objects.filter(user=user).first()


def my_slots(expert: ExpertProfile, *, now=None, past_days: int = 7) -> list[ExpertSlot]:
    """The expert's own slots from a week ago on, each with its holding booking (or None) as `holding`."""
    now = now or timezone.now()
    holding = Booking.objects.filter(status__in=HOLDING_STATUSES).select_related("community", "requested_by")
    slots = list(ExpertSlot.objects.filter(expert=expert, starts_at__gte=now - timedelta(days=past_days))
                 .prefetch_related(Prefetch("bookings", queryset=holding, to_attr="holding_list"))
                 .order_by("starts_at", "pk"))
    for slot in slots:
        slot.holding = slot.holding_list[0] if slot.holding_list else None
        slot.held = slot.holding is not None  # what slot_state reads, so listing states costs no query per slot
    return slots


# --- bookings ----------------------------------------------------------------------------------------------


def visible_bookings(user) -> QuerySet[Booking]:
    """The bookings a user sees: his own as the booked expert, and those of the communities where he is a
    committee member, secretary, residents' committee or street staff."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    scope = Q(slot__expert__user=user) | Q(community__in=permissions.booking_viewer_communities(user).values("pk"))
    return (Booking.objects.filter(scope)
            .select_related("slot__expert", "community", "requested_by", "cancelled_by")
            .order_by("-slot__starts_at", "-pk"))


def visible_booking(user, booking_id) -> Booking | None:
    try:
        return visible_bookings(user).filter(pk=int(booking_id)).first()
    except (TypeError, ValueError):
        return None


def open_booking_count(community, now=None) -> int:
    """Pending or confirmed bookings of the community whose slot has not started (the RATE_LIMITED count)."""
    now = now or timezone.now()
    return Booking.objects.filter(community=community, status__in=HOLDING_STATUSES, slot__starts_at__gt=now).count()


@dataclass(frozen=True)
class BookingAbilities:
    """What one user may do with bookings, computed once (two queries) for a whole list."""

    user_id: int | None
    is_expert: bool
    cancel_community_ids: frozenset[int]

    def can_respond(self, booking: Booking, now=None) -> bool:
        now = now or timezone.now()
        return (self.is_expert and booking.slot.expert.user_id == self.user_id
                and booking.status == BookingStatus.PENDING and booking.slot.starts_at > now)

    def can_cancel(self, booking: Booking, now=None) -> bool:
        now = now or timezone.now()
        allowed = booking.requested_by_id == self.user_id or booking.community_id in self.cancel_community_ids
        return allowed and booking.status in HOLDING_STATUSES and booking.slot.starts_at > now


def booking_abilities(user) -> BookingAbilities:
    """Mirrors `permissions.can_respond_booking` / `can_cancel_booking` (plus the status and time rules)."""
    if not getattr(user, "is_authenticated", False):
        return BookingAbilities(None, False, frozenset())
    return BookingAbilities(
        user.pk, permissions.is_active_expert(user),
        frozenset(permissions.booking_communities(user).values_list("pk", flat=True)),
    )
