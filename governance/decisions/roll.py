"""Freezing the voting roll when a vote opens (DOMAIN §3 headcount rules).

The grouping into rights is the kernel's (`governance.voting.roll.group_rights`); only the writes
to the motion's tables are here. Built in a handful of queries and bulk inserts.
"""

from __future__ import annotations

from governance.registry.models import Unit
from governance.voting.roll import group_rights, write_roll
from governance.voting.roll import note_roster_change as kernel_note  # the motions' own listener keeps the name

from .models import Motion, MotionStatus, RollUnit, RosterChangeNote, ScopeKind, VotingRight


def scope_units(motion: Motion):
    units = Unit.objects.filter(community=motion.community)
    if motion.scope_kind == ScopeKind.BUILDINGS:
        units = units.filter(building__in=motion.scope_buildings.all())
    elif motion.scope_kind == ScopeKind.UNITS:
        units = units.filter(pk__in=motion.scope_units.all())
    return units


def freeze_roll(motion: Motion) -> int:
    """Write the rights and roll units of `motion` and set its roll totals (the caller saves them).

    Returns the number of rights. Call inside a transaction.
    """
    groups = group_rights(scope_units(motion))
    write_roll(groups, right_model=VotingRight, unit_model=RollUnit, vote_field="motion", vote_id=motion.pk)
    motion.roll_area_cents = sum(int(g["area"] * 100) for g in groups.values())
    motion.roll_heads = len(groups)
    return len(groups)


def note_roster_change(*, community, unit_labels: list[str], what: str, **_signal) -> int:
    """Record a roster change on every open motion whose frozen roll holds one of the units.

    Connected to `governance.registry.signals.roster_changed`; runs inside the writing transaction.
    Returns the number of motions noted."""
    units = RollUnit.objects.filter(motion__community=community, motion__status=MotionStatus.VOTING,
                                    label__in=unit_labels)
    return kernel_note(roll_units=units, note_model=RosterChangeNote, vote_field="motion", what=what)
