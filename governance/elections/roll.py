"""Freezing an election round's roll: the same headcount rules as a motion's (DOMAIN §3).

One unit is one person, except: all developer-held units together are one right, and a buyer of
several units is one right (units grouped by their primary owner). Co-owners share their unit's
right. A unit with no owner on the roster is a right of its own (it can only vote on paper).

The grouping and the writing are the kernel's (`governance.voting.roll`). An election's scope is always the whole community.
"""

from __future__ import annotations

from governance.registry.models import Unit
from governance.voting.roll import group_rights, note_roster_change, write_roll

from .models import ElectionRight, ElectionRollUnit, ElectionRosterChangeNote, ElectionRound, RoundStatus


def freeze_election_roll(election: ElectionRound) -> int:
    """Write the rights and roll units of `election`. Returns the number of rights. Call inside a transaction."""
    groups = group_rights(Unit.objects.filter(community=election.community))
    write_roll(groups, right_model=ElectionRight, unit_model=ElectionRollUnit, vote_field="round", vote_id=election.pk)
    return len(groups)


def note_election_roster_change(*, community, unit_labels: list[str], what: str, **_signal) -> int:
    """Record a roster change on every election round in voting whose frozen roll holds one of the units.

    Connected to `governance.registry.signals.roster_changed`; runs inside the writing transaction."""
    units = ElectionRollUnit.objects.filter(round__community=community, round__status=RoundStatus.VOTING,
                                            label__in=unit_labels)
    return note_roster_change(roll_units=units, note_model=ElectionRosterChangeNote, vote_field="round", what=what)
