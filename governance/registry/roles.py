"""Who may do what, and which communities a user reaches.

A rule "holds one of these roles over this community" is a `CommunityRule`, declared once in the app that
owns it (the registry's below, motions' in `governance.decisions.permissions`, elections' and surveys' in
theirs). The rule answers both questions asked of it: `rule(user, community)` for one community (services,
views, schemas) and `rule.communities(user)` for all of them at once (querysets, admin viewsets, choosers).
Rules of another shape stay functions. Querysets are narrowed with `communities_for` so another community's
records are never fetched.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.memo import remember

from portal.accounts.models import Membership, Role

from .models import Community, Ownership, Residency, ResidentsCommittee

STAFF_ROLES_FOR_REGISTRY = {Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY}
GOVERNMENT_ROLES = {Role.RC_STAFF, Role.STREET_STAFF}
ADMIN_ROLES = STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES | {Role.PROPERTY_STAFF}


def _active_memberships(user, roles=None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(user=user, active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


def _grants(user) -> tuple[tuple[str, int | None, int | None, int | None], ...]:
    """(role, community, residents' committee, street) of each active membership of the user: one read, once
    per `portal.memo.remembering()` block."""
    return remember(("roles.grants", user.pk), lambda: tuple(
        _active_memberships(user).values_list("role", "community_id", "residents_committee_id", "street_id")))


def _community_parents(community_pk) -> tuple[int, int] | None:
    """(residents' committee, street) of a community as stored, None when there is no such community."""
    return remember(("roles.community_parents", community_pk), lambda: (
        Community.objects.filter(pk=community_pk)
        .values_list("residents_committee_id", "residents_committee__street_id").first()))


def _reaches(user, community, roles=None) -> bool:
    """`staff_communities(user, roles).filter(pk=community.pk).exists()`, answered with plain reads: the
    user's memberships, then (only when one is held through a committee or a street) the community's
    residents' committee and street. The SQL form compiles to nested subqueries, which costs far more
    than the rows it reads."""
    if not getattr(user, "is_authenticated", False) or community.pk is None:
        return False
    if user.is_superuser:
        return _community_parents(community.pk) is not None
    grants = [grant for grant in _grants(user) if roles is None or grant[0] in roles]
    if any(community_id == community.pk for _, community_id, _, _ in grants):
        return True
    committees = {committee_id for _, _, committee_id, _ in grants if committee_id is not None}
    streets = {street_id for _, _, _, street_id in grants if street_id is not None}
    if not (committees or streets):
        return False
    parents = _community_parents(community.pk)
    return parents is not None and (parents[0] in committees or parents[1] in streets)


def _membership_scope_q(memberships: QuerySet[Membership]) -> Q:
    """Communities covered by memberships: directly, through a residents' committee, or a street.

    Uncorrelated subqueries only (no join), so the whole scope is one query however it is used."""
    return (
        Q(pk__in=memberships.filter(community__isnull=False).values("community"))
        | Q(residents_committee__in=memberships.filter(residents_committee__isnull=False).values("residents_committee"))
        | Q(residents_committee__in=ResidentsCommittee.objects.filter(
            street__in=memberships.filter(street__isnull=False).values("street")).values("pk"))
    )


def _owned_q(user) -> Q:
    """Communities where the user is a verified owner or co-owner of a unit through an active link."""
    return Q(pk__in=Ownership.objects.filter(person__user=user, verified=True, ends_on__isnull=True)
             .values("unit__community"))


def _resident_q(user) -> Q:
    """Communities where the user is a verified resident of a unit (an active residency)."""
    return Q(pk__in=Residency.objects.filter(user=user, verified=True, ends_on__isnull=True)
             .values("unit__community"))


def staff_communities(user, roles=None) -> QuerySet:
    """Communities where the user holds one of `roles` (any staff role when None)."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(_membership_scope_q(_active_memberships(user, roles)))


class CommunityRule:
    """A permission rule of the form "holds one of these roles over the community", declared once.

    `rule(user, community)` answers for one community with the memoised plain reads of `_reaches`;
    `rule.communities(user)` is the same rule as a set, one query (`staff_communities`). Superusers pass
    both for every existing community. Both halves read the one role set (None: any staff role), so they
    cannot disagree."""

    def __init__(self, roles, doc: str):
        self.roles = None if roles is None else frozenset(roles)
        self.__doc__ = doc

    def __call__(self, user, community) -> bool:
        return _reaches(user, community, self.roles)

    def communities(self, user) -> QuerySet:
        return staff_communities(user, self.roles)

    def __repr__(self):
        return f"CommunityRule({'any staff role' if self.roles is None else sorted(self.roles)})"


def owned_communities(user) -> QuerySet:
    """Communities where the user is a verified owner or co-owner of a unit (an active link)."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(_owned_q(user))


def resident_communities(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(_resident_q(user))


def communities_for(user) -> QuerySet:
    """Every community a user belongs to in any role. The scope of every governance selector.

    Staff scope, ownerships and residencies in one query (as a subquery when used in a filter)."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(_membership_scope_q(_active_memberships(user)) | _owned_q(user) | _resident_q(user))


def is_member(user, community) -> bool:
    """`communities_for(user).filter(pk=community.pk).exists()`: staff scope, then ownerships, then residencies,
    each a plain read, stopping at the first that answers."""
    if not getattr(user, "is_authenticated", False) or community.pk is None:
        return False
    if _reaches(user, community):
        return True
    if user.is_superuser:
        return False  # _reaches said the community does not exist
    return (Ownership.objects.filter(person__user=user, verified=True, ends_on__isnull=True,
                                     unit__community_id=community.pk).exists()
            or Residency.objects.filter(user=user, verified=True, ends_on__isnull=True,
                                        unit__community_id=community.pk).exists())


def can_view_community(user, community) -> bool:
    """Members see a community's records; the public page shows only public figures."""
    return is_member(user, community)


can_manage_registry = CommunityRule(
    STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES,
    "Edit buildings, units, persons, ownerships and import the roster: committee, secretary, RC, street.")

can_view_registry = CommunityRule(
    ADMIN_ROLES, "Read the roster (masked): registry managers and property staff of the community.")

can_review_applications = CommunityRule(
    STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES,
    "Review co-owner proofs, tenant registrations and phone corrections: the registry's managers.")

can_view_audit = CommunityRule(
    STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES, "Read a community's audit trail: the registry's managers.")

can_set_community_rules = CommunityRule(
    GOVERNMENT_ROLES, "Community settings such as residents'-committee approval of motions: RC and street staff.")

can_grant_memberships = CommunityRule(
    {Role.STREET_STAFF},
    "Grant committee, secretary and property-staff memberships in the community (other roles need a superuser): "
    "street-office staff of its street.")

can_add_communities = CommunityRule(
    {Role.STREET_STAFF},
    "The add form's scope for communities: street-office staff of a street's communities "
    "(`can_create_community` gates the action itself).")


def can_create_community(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _active_memberships(user, {Role.STREET_STAFF}).exists()


def can_access_admin(user) -> bool:
    """Staff of any scope and editors use the Wagtail admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or _active_memberships(user, ADMIN_ROLES | {Role.EDITOR}).exists()


def is_verified_owner(user, unit) -> bool:
    return unit.ownerships.filter(person__user=user, verified=True, ends_on__isnull=True).exists()
