"""Who may do what with experts, slots and bookings. One function per rule, used by services, portal,
GraphQL and admin alike (built on governance.registry.roles)."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.registry import roles
from portal.accounts.models import Membership, Role

#: Who books experts for a community, and cancels its bookings.
COMMITTEE_ROLES = {Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY}
#: Who sees a community's bookings: the committee side and the government side.
BOOKING_VIEWER_ROLES = COMMITTEE_ROLES | roles.GOVERNMENT_ROLES


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _holds(user, role) -> bool:
    return _authenticated(user) and Membership.objects.filter(user=user, role=role, active=True).exists()


def is_active_expert(user) -> bool:
    """The user holds an active 专家顾问 membership."""
    return _holds(user, Role.EXPERT)


def is_bookable(profile) -> bool:
    """An expert is listed and bookable while the profile is published and its user an active expert."""
    return bool(profile.live) and profile.user.is_active and is_active_expert(profile.user)


def can_manage_experts(user) -> bool:
    """The expert admin (profiles, slots, bookings read-only): editors and superusers."""
    if not _authenticated(user):
        return False
    return bool(user.is_superuser) or _holds(user, Role.EDITOR)


def can_manage_slots(user, expert) -> bool:
    """Create and cancel an expert's slots: the expert himself while an active expert, or an editor."""
    if not _authenticated(user):
        return False
    if expert.user_id == user.pk and is_active_expert(user):
        return True
    return can_manage_experts(user)


def booking_communities(user) -> QuerySet:
    """Communities the user may book experts for: where he is an active committee member or secretary.
    (Superusers are not committee members: they get none.)"""
    from governance.registry.models import Community

    if not _authenticated(user):
        return Community.objects.none()
    return Community.objects.filter(
        pk__in=Membership.objects.filter(user=user, active=True, role__in=list(COMMITTEE_ROLES),
                                         community__isnull=False).values("community")
    ).order_by("name", "pk")


def can_book_for(user, community) -> bool:
    """Book an expert in the name of `community`: its active committee members and secretary."""
    return booking_communities(user).filter(pk=community.pk).exists()


def booking_viewer_communities(user) -> QuerySet:
    """Communities whose bookings the user sees: committee and secretary, residents' committee and street staff
    (through their committee or street), superusers all."""
    return roles.staff_communities(user, BOOKING_VIEWER_ROLES)


def can_view_booking(user, booking) -> bool:
    """The booked expert, and the viewers of the booking's community."""
    if not _authenticated(user):
        return False
    if booking.slot.expert.user_id == user.pk:
        return True
    return booking_viewer_communities(user).filter(pk=booking.community_id).exists()


def can_respond_booking(user, booking) -> bool:
    """Confirm or decline: only the booked expert, while an active expert (status and time are the service's)."""
    return _authenticated(user) and booking.slot.expert.user_id == user.pk and is_active_expert(user)


def can_cancel_booking(user, booking) -> bool:
    """Cancel a booking: its requester, or any committee member or secretary of its community."""
    if not _authenticated(user):
        return False
    return booking.requested_by_id == user.pk or can_book_for(user, booking.community)
