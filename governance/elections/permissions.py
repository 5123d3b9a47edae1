"""Who may open the private files of elections. One function per rule, built on `governance.registry.roles`."""

from __future__ import annotations

from governance.registry import roles


def can_view_election_files(user, election_round) -> bool:
    """A round's ballot scans and e-signatures and its candidates' application signatures: the staff who may
    see the election's details in its community (`roles.can_see_election_details`: committee, secretary,
    residents' committee, street)."""
    return roles.can_see_election_details(user, election_round.community)
