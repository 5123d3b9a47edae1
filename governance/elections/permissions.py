"""Who may do what in committee elections and preparatory groups: each rule declared once, as a `CommunityRule`
where it is "holds one of these roles over the community" (so it is also the admin's scope), else a function."""

from __future__ import annotations

from governance.registry import roles
from governance.registry.roles import GOVERNMENT_ROLES, STAFF_ROLES_FOR_REGISTRY, CommunityRule
from governance.voting.permissions import can_cast_for_right
from portal.accounts.models import Role

ELECTION_MANAGER_ROLES = STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES

can_manage_elections = CommunityRule(
    ELECTION_MANAGER_ROLES,
    "Terms and committee election rounds: create, open, review candidates, paper ballots, void, close, resolve a "
    "tie, make the elected committee members. Street and residents'-committee staff of the community, and its "
    "committee and secretary (re-election rounds).")

can_manage_preparatory = CommunityRule(
    {Role.STREET_STAFF},
    "Preparatory groups (筹备组): open registration, review applicants, run the vote, confirm members. "
    "Street-office staff of the community's street only.")

can_see_election_details = CommunityRule(
    ELECTION_MANAGER_ROLES,
    "Who voted and the vote-details export of an election: committee, secretary and government staff.")


def can_manage_election_round(user, election_round) -> bool:
    """The managers of one round: preparatory rounds belong to the street, committee rounds as above."""
    if election_round.kind == "preparatory":
        return can_manage_preparatory(user, election_round.community)
    return can_manage_elections(user, election_round.community)


def can_stand_for_election(user, community) -> bool:
    """Register as a candidate or apply to a preparatory group: a verified owner or co-owner of the community."""
    return roles.owned_communities(user).filter(pk=community.pk).exists()


def can_cast_for_election_right(user, right) -> bool:
    """Any verified owner or co-owner of the right's units, as the round's roll was frozen (same rule as motions)."""
    return can_cast_for_right(user, right)


def can_view_election_files(user, election_round) -> bool:
    """A round's ballot scans and e-signatures and its candidates' application signatures: the staff who may
    see the election's details in its community (`can_see_election_details`: committee, secretary,
    residents' committee, street)."""
    return can_see_election_details(user, election_round.community)
