"""Freezing an election round's roll: the same headcount rules as a motion's (DOMAIN §3).

One unit is one person, except: all developer-held units together are one right, and a buyer of
several units is one right (units grouped by their primary owner). Co-owners share their unit's
right. A unit with no owner on the roster is a right of its own (it can only vote on paper).

The grouping is the motions' own (`governance.voting.roll.group_rights`); only the writes to the
election's tables are here. An election's scope is always the whole community.
"""

from __future__ import annotations

from governance.voting.roll import group_rights, roster_change_notes
from governance.voting.tally import DEVELOPER_KEY
from governance.registry.models import Unit

from .models import ElectionRight, ElectionRollUnit, ElectionRosterChangeNote, ElectionRound, RoundStatus

BATCH = 2000


def freeze_election_roll(election: ElectionRound) -> int:
    """Write the rights and roll units of `election`. Returns the number of rights. Call inside a transaction."""
    groups = group_rights(Unit.objects.filter(community=election.community))
    ElectionRight.objects.bulk_create(
        [ElectionRight(round=election, key=key, label=g["label"][:200], area=g["area"],
                       is_developer=key == DEVELOPER_KEY)
         for key, g in groups.items()],
        batch_size=BATCH,
    )
    right_ids = dict(ElectionRight.objects.filter(round=election).values_list("key", "pk"))
    ElectionRollUnit.objects.bulk_create(
        [ElectionRollUnit(right_id=right_ids[key], round=election, unit_id=unit.pk, label=unit.label, area=unit.area)
         for key, g in groups.items() for unit in g["units"]],
        batch_size=BATCH,
    )
    through = ElectionRight.persons.through
    through.objects.bulk_create(
        [through(electionright_id=right_ids[key], person_id=person_id)
         for key, g in groups.items() for person_id in sorted(g["persons"])],
        batch_size=BATCH,
    )
    return len(groups)


def note_election_roster_change(*, community, unit_labels: list[str], what: str, **_signal) -> int:
    """Record a roster change on every election round in voting whose frozen roll holds one of the units.

    Connected to `governance.registry.signals.roster_changed`; runs inside the writing transaction."""
    rows = (ElectionRollUnit.objects.filter(round__community=community, round__status=RoundStatus.VOTING,
                                            label__in=unit_labels)
            .order_by("round_id", "label").values_list("round_id", "label"))
    notes = roster_change_notes(rows, what=what)
    ElectionRosterChangeNote.objects.bulk_create(
        [ElectionRosterChangeNote(round_id=round_id, summary=summary) for round_id, summary in notes.items()])
    return len(notes)
