"""The membership and role checks the community home asks on every render (`governance.registry.roles`) were made
cheaper: `communities_for` and its parts are single queries, and the predicates (`is_member`, `can_manage_registry`
and the others of the form "holds one of these roles over this community") read the user's memberships, then
ownerships and residencies, instead of compiling nested subqueries.

Their meaning must not move: every answer is checked against the previous implementation, kept verbatim below
as the oracle, for every kind of user over communities reached directly, through a residents' committee, through
a street, and not at all."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from governance.registry.models import Community
from governance.registry import roles
from governance.surveys import permissions as survey_rules
from governance.elections import permissions as election_rules
from governance.decisions import permissions as decision_rules
from portal.accounts.models import Membership, Role
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    ResidencyFactory,
    ResidentsCommitteeFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- the oracle: roles.py as it was before the queries were made cheaper ----------------------------------


def _old_scope_q(memberships) -> Q:
    return (
        Q(pk__in=memberships.filter(community__isnull=False).values("community"))
        | Q(residents_committee__in=memberships.filter(residents_committee__isnull=False).values("residents_committee"))
        | Q(residents_committee__street__in=memberships.filter(street__isnull=False).values("street"))
    )


def old_staff_communities(user, roles_=None):
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    memberships = Membership.objects.filter(user=user, active=True)
    if roles_ is not None:
        memberships = memberships.filter(role__in=list(roles_))
    return Community.objects.filter(_old_scope_q(memberships)).distinct()


def old_owned_communities(user):
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(units__ownerships__person__user=user, units__ownerships__verified=True,
                                    units__ownerships__ends_on__isnull=True).distinct()


def old_resident_communities(user):
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(units__residencies__user=user, units__residencies__verified=True,
                                    units__residencies__ends_on__isnull=True).distinct()


def old_communities_for(user):
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    ids = set(old_staff_communities(user).values_list("pk", flat=True))
    ids |= set(old_owned_communities(user).values_list("pk", flat=True))
    ids |= set(old_resident_communities(user).values_list("pk", flat=True))
    return Community.objects.filter(pk__in=ids)


ROLE_SETS = [None, {Role.COMMITTEE_MEMBER}, {Role.STREET_STAFF}, {Role.RC_STAFF}, roles.ADMIN_ROLES,
             roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES, {Role.EDITOR}, survey_rules.SURVEY_ROLES]

# (predicate, the role set it asks about) for each predicate that used to be staff_communities(...).exists()
PREDICATES = [
    (roles.can_manage_registry, roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES),
    (roles.can_view_registry, roles.ADMIN_ROLES),
    (roles.can_review_applications, roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES),
    (roles.can_view_audit, roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES),
    (decision_rules.can_manage_motions, roles.STAFF_ROLES_FOR_REGISTRY),
    (decision_rules.can_review_motions, roles.GOVERNMENT_ROLES),
    (decision_rules.can_see_who_voted, roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES),
    (survey_rules.can_publish_surveys, survey_rules.SURVEY_ROLES),
    (election_rules.can_manage_elections, election_rules.ELECTION_MANAGER_ROLES),
    (election_rules.can_manage_preparatory, {Role.STREET_STAFF}),
    (election_rules.can_see_election_details, election_rules.ELECTION_MANAGER_ROLES),
]


@pytest.fixture
def town():
    """Two streets. Street 1 has two residents' committees (communities A and B under the first, C under the
    second); street 2 has community D. One user for every way of reaching (or not reaching) a community."""
    rc_ab = ResidentsCommitteeFactory()
    rc_c = ResidentsCommitteeFactory(street=rc_ab.street)
    rc_d = ResidentsCommitteeFactory()
    a, b = CommunityFactory(residents_committee=rc_ab), CommunityFactory(residents_committee=rc_ab)
    c, d = CommunityFactory(residents_committee=rc_c), CommunityFactory(residents_committee=rc_d)
    users = {}

    def member(name, **fields):
        users[name] = MembershipFactory(**{"community": None, **fields}).user

    member("committee_a", community=a, role=Role.COMMITTEE_MEMBER)
    member("secretary_b", community=b, role=Role.COMMITTEE_SECRETARY)
    member("property_c", community=c, role=Role.PROPERTY_STAFF)
    member("rc_staff_ab", residents_committee=rc_ab, role=Role.RC_STAFF)
    member("street_staff_1", street=rc_ab.street, role=Role.STREET_STAFF)
    member("street_staff_2", street=rc_d.street, role=Role.STREET_STAFF)
    member("inactive_committee_a", community=a, role=Role.COMMITTEE_MEMBER, active=False)
    member("editor", role=Role.EDITOR)
    users["rc_and_committee"] = MembershipFactory(community=d, role=Role.COMMITTEE_MEMBER).user
    MembershipFactory(user=users["rc_and_committee"], community=None, residents_committee=rc_c, role=Role.RC_STAFF)

    def owner(name, community, **fields):
        users[name] = UserFactory()
        OwnershipFactory(unit=UnitFactory(building__community=community), person__user=users[name], **fields)

    owner("owner_a", a, verified=True)
    owner("unverified_owner_b", b, verified=False)
    owner("former_owner_c", c, verified=True, ends_on=date(2024, 1, 1))
    users["owner_of_two"] = UserFactory()
    for community in (a, d):
        OwnershipFactory(unit=UnitFactory(building__community=community), person__user=users["owner_of_two"],
                         verified=True)
    users["tenant_b"] = ResidencyFactory(unit=UnitFactory(building__community=b), verified=True).user
    users["unverified_tenant_c"] = ResidencyFactory(unit=UnitFactory(building__community=c), verified=False).user
    users["former_tenant_d"] = ResidencyFactory(unit=UnitFactory(building__community=d), verified=True,
                                                ends_on=date(2024, 1, 1)).user
    users["outsider"] = UserFactory()
    users["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    users["anonymous"] = AnonymousUser()
    return [a, b, c, d], users


def _pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_the_community_sets_are_those_of_the_previous_implementation(town):
    _communities, users = town
    for name, user in users.items():
        assert _pks(roles.communities_for(user)) == _pks(old_communities_for(user)), name
        assert _pks(roles.owned_communities(user)) == _pks(old_owned_communities(user)), name
        assert _pks(roles.resident_communities(user)) == _pks(old_resident_communities(user)), name
        for role_set in ROLE_SETS:
            assert _pks(roles.staff_communities(user, role_set)) == _pks(old_staff_communities(user, role_set)), (
                name, role_set)


def test_membership_and_role_predicates_answer_as_before(town):
    communities, users = town
    for name, user in users.items():
        for community in communities:
            expected = old_communities_for(user).filter(pk=community.pk).exists()
            assert roles.is_member(user, community) is expected, (name, community.code)
            for predicate, role_set in PREDICATES:
                expected = old_staff_communities(user, role_set).filter(pk=community.pk).exists()
                assert predicate(user, community) is expected, (name, predicate.__name__, community.code)


def test_the_expected_reach_of_each_kind_of_user(town):
    """The oracle itself, spelled out: who reaches which of A, B, C, D."""
    (a, b, c, d), users = town

    def members(name):
        return {x.code for x in (a, b, c, d) if roles.is_member(users[name], x)}

    assert members("committee_a") == {a.code}
    assert members("rc_staff_ab") == {a.code, b.code}
    assert members("street_staff_1") == {a.code, b.code, c.code}
    assert members("rc_and_committee") == {c.code, d.code}
    assert members("owner_of_two") == {a.code, d.code}
    assert members("tenant_b") == {b.code}
    assert members("superuser") == {a.code, b.code, c.code, d.code}
    for nobody in ("inactive_committee_a", "editor", "unverified_owner_b", "former_owner_c", "unverified_tenant_c",
                   "former_tenant_d", "outsider", "anonymous"):
        assert members(nobody) == set(), nobody
    assert [roles.can_manage_registry(users["street_staff_1"], x) for x in (a, b, c, d)] == [True, True, True, False]
    assert [election_rules.can_manage_preparatory(users["rc_staff_ab"], x) for x in (a, b, c, d)] == [False] * 4


def test_a_membership_check_reads_plain_rows(town, django_assert_num_queries):
    """Memberships first; a community's committee and street only for staff of a committee or street; then
    ownerships, then residencies — stopping at the first that answers."""
    (a, _b, c, _d), users = town
    with django_assert_num_queries(1):
        assert roles.is_member(users["committee_a"], a)
    with django_assert_num_queries(2):
        assert roles.is_member(users["street_staff_1"], c)
    with django_assert_num_queries(2):
        assert roles.is_member(users["owner_a"], a)
    with django_assert_num_queries(3):
        assert not roles.is_member(users["outsider"], a)
    with django_assert_num_queries(0):
        assert not roles.is_member(users["anonymous"], a)
    with django_assert_num_queries(1):
        assert roles.can_manage_registry(users["committee_a"], a)
