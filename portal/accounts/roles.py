"""Who may do what, and which communities a user reaches.

One function per rule. Admin views, portal views, GraphQL resolvers and services all ask
these functions; querysets are narrowed with `communities_for` so another community's
records are never fetched.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Membership, Role

STAFF_ROLES_FOR_REGISTRY = {Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY}
GOVERNMENT_ROLES = {Role.RC_STAFF, Role.STREET_STAFF}
ADMIN_ROLES = STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES | {Role.PROPERTY_STAFF}


def _community_model():
    from governance.registry.models import Community

    return Community


def _active_memberships(user, roles=None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(user=user, active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


def _membership_scope_q(memberships: QuerySet[Membership]) -> Q:
    """Communities covered by memberships: directly, through a residents' committee, or a street."""
    return (
        Q(pk__in=memberships.filter(community__isnull=False).values("community"))
        | Q(residents_committee__in=memberships.filter(residents_committee__isnull=False).values("residents_committee"))
        | Q(residents_committee__street__in=memberships.filter(street__isnull=False).values("street"))
    )


def staff_communities(user, roles=None) -> QuerySet:
    """Communities where the user holds one of `roles` (any staff role when None)."""
    Community = _community_model()
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(_membership_scope_q(_active_memberships(user, roles))).distinct()


def owned_communities(user) -> QuerySet:
    """Communities where the user is a verified owner or co-owner of a unit (an active link)."""
    Community = _community_model()
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(
        units__ownerships__person__user=user,
        units__ownerships__verified=True,
        units__ownerships__ends_on__isnull=True,
    ).distinct()


def resident_communities(user) -> QuerySet:
    Community = _community_model()
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(
        units__residencies__user=user, units__residencies__verified=True, units__residencies__ends_on__isnull=True
    ).distinct()


def communities_for(user) -> QuerySet:
    """Every community a user belongs to in any role. The scope of every governance selector."""
    Community = _community_model()
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    ids = set(staff_communities(user).values_list("pk", flat=True))
    ids |= set(owned_communities(user).values_list("pk", flat=True))
    ids |= set(resident_communities(user).values_list("pk", flat=True))
    return Community.objects.filter(pk__in=ids)


def is_member(user, community) -> bool:
    return communities_for(user).filter(pk=community.pk).exists()


def can_view_community(user, community) -> bool:
    """Members see a community's records; the public page shows only public figures."""
    return is_member(user, community)


def can_manage_registry(user, community) -> bool:
    """Edit buildings, units, persons, ownerships and import the roster: committee, secretary, RC, street."""
    return staff_communities(user, STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES).filter(pk=community.pk).exists()


def can_view_registry(user, community) -> bool:
    """Read the roster (masked): registry managers and property staff of the community."""
    return staff_communities(user, ADMIN_ROLES).filter(pk=community.pk).exists()


def can_review_applications(user, community) -> bool:
    """Review co-owner proofs, tenant registrations and phone corrections."""
    return can_manage_registry(user, community)


def can_view_audit(user, community) -> bool:
    return staff_communities(user, STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES).filter(pk=community.pk).exists()


def can_create_community(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _active_memberships(user, {Role.STREET_STAFF}).exists()


def can_access_admin(user) -> bool:
    """Staff of any scope and editors use the Wagtail admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or _active_memberships(user, ADMIN_ROLES | {Role.EDITOR}).exists()


def is_verified_owner(user, unit) -> bool:
    return unit.ownerships.filter(person__user=user, verified=True, ends_on__isnull=True).exists()


# --- owner decisions ------------------------------------------------------------------------------

def can_manage_motions(user, community) -> bool:
    """Draft, publish, open, close, announce motions; enter paper ballots: committee and secretary."""
    return staff_communities(user, STAFF_ROLES_FOR_REGISTRY).filter(pk=community.pk).exists()


def can_review_motions(user, community) -> bool:
    """Approve or reject motions that need residents'-committee approval."""
    return staff_communities(user, GOVERNMENT_ROLES).filter(pk=community.pk).exists()


def can_see_running_results(user, motion) -> bool:
    """Running results before close: staff of the community, and only when the vote does not hide them."""
    if getattr(user, "is_superuser", False):
        return True
    return (not motion.hide_running_results) and is_member(user, motion.community)


def can_see_who_voted(user, community) -> bool:
    """Who has voted (never how) for reminders: committee, secretary and government staff."""
    return staff_communities(user, STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES).filter(pk=community.pk).exists()


def can_cast_for_right(user, right) -> bool:
    """Any verified owner or co-owner of the right's units, as the roll was frozen, may cast it."""
    if not getattr(user, "is_authenticated", False):
        return False
    from governance.registry.models import Ownership

    return Ownership.objects.filter(
        unit__in=right.roll_units.values("unit"), person__in=right.persons.all(), person__user=user, verified=True
    ).exists()
